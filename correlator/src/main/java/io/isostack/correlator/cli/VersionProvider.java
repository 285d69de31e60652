package io.isostack.correlator.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = CorrelatorCommand.class.getPackage().getImplementationVersion();
    return new String[] {"correlator " + (v == null ? "(development build)" : v)};
  }
}
