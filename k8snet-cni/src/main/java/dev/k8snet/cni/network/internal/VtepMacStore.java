package dev.k8snet.cni.network.internal;

import dev.k8snet.core.MacAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** The VTEP MAC of each VXLAN device, persisted as {@code STATE_DIR/DEVICE.mac}. */
public final class VtepMacStore {
  private final Optional<Path> dir;

  /** A store in {@code dir}, or an in-memory-only store when empty. */
  public VtepMacStore(Optional<Path> dir) {
    this.dir = dir;
  }

  /** Returns the persisted MAC of {@code device}, if any (a corrupt file counts as none). */
  public Optional<MacAddress> load(String device) {
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    Path f = dir.get().resolve(device + ".mac");
    try {
      if (!Files.exists(f)) {
        return Optional.empty();
      }
      return Optional.of(MacAddress.parse(Files.readString(f, StandardCharsets.UTF_8).trim()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Persists {@code mac} for {@code device} atomically. */
  public void save(String device, MacAddress mac) {
    if (dir.isEmpty()) {
      return;
    }
    try {
      Files.createDirectories(dir.get());
      Path f = dir.get().resolve(device + ".mac");
      Path tmp = dir.get().resolve(device + ".mac.tmp");
      Files.writeString(tmp, mac + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("persist VTEP MAC of " + device + " in " + dir.get(), e);
    }
  }
}
