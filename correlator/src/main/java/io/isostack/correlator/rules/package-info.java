/**
 * Step 3, the rule table (docs/METHOD.md §3.1, §3.2): kernel signal plus context to layer, network
 * slice and cause; the default table is a resource, each rule citing its section.
 *
 * <p>May use: {@code join} (device kinds) and the collector model.
 */
package io.isostack.correlator.rules;
