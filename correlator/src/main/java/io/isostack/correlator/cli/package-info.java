/**
 * The command line ({@code analyze}, {@code serve}, {@code stream}, {@code demo}): thin picocli
 * wiring that maps settings to flags. Nothing uses it.
 */
package io.isostack.correlator.cli;
