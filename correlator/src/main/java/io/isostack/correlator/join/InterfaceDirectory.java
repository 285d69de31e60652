package io.isostack.correlator.join;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * Which device a local address uses and what kind each device is, per host.
 *
 * <p>Learned from {@code net.interface} records ({@code dev}, {@code saddr}, {@code attrs.driver})
 * and from any event that carries both a device and a local address. Not thread-safe.
 */
public final class InterfaceDirectory {
  private final Map<String, Map<String, String>> driverByDevice = new HashMap<>();
  private final Map<String, Map<String, String>> deviceByAddress = new HashMap<>();

  /** Learns from one event. */
  public void learn(KernelEvent e) {
    if (e.dev() == null) {
      return;
    }
    String driver = e.attr("driver");
    if (driver != null) {
      driverByDevice.computeIfAbsent(e.host(), h -> new HashMap<>()).put(e.dev(), driver);
    }
    String address = e.flow() != null ? e.flow().local().address() : e.attr("saddr");
    if (address != null && (e.name() == EventName.NET_INTERFACE || e.flow() != null)) {
      deviceByAddress.computeIfAbsent(e.host(), h -> new HashMap<>()).put(address, e.dev());
    }
  }

  /** The kind of a device on a host. */
  public DeviceKind kind(String host, String dev) {
    return DeviceKind.classify(dev, driverByDevice.getOrDefault(host, Map.of()).get(dev));
  }

  /** The device a local address uses on a host, or null. */
  public String deviceOf(String host, String address) {
    return deviceByAddress.getOrDefault(host, Map.of()).get(address);
  }

  /** Forgets what {@code host}'s events taught. */
  public void forgetHost(String host) {
    driverByDevice.remove(host);
    deviceByAddress.remove(host);
  }
}
