package dev.k8snet.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system's DNS tools (dig, kdig) with a deadline. */
final class Tools {
  private Tools() {}

  static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run " + command[0] + " (installed by .ci/install-system-packages)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String dig(int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(List.of("+tries=1", "+time=3"));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  static String kdig(int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of("kdig", "@127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(List.of("+retry=0", "+time=3"));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  /** The answer-section records of dig or kdig output, as "name ttl IN type data" without ttl. */
  static List<String> answers(String output) {
    List<String> out = new ArrayList<>();
    boolean inAnswer = false;
    for (String line : output.split("\n")) {
      String l = line.strip();
      if (l.startsWith(";; ANSWER SECTION") || l.startsWith(";; ANSWER SECTION:")) {
        inAnswer = true;
        continue;
      }
      if (inAnswer) {
        if (l.isEmpty() || l.startsWith(";;")) {
          inAnswer = false;
          continue;
        }
        String[] f = l.split("\\s+", 5);
        out.add(f[0] + " " + f[3] + " " + (f.length > 4 ? f[4] : ""));
      }
    }
    return out.stream().sorted().toList();
  }

  static String status(String output) {
    int i = output.indexOf("status: ");
    if (i < 0) {
      i = output.indexOf("rcode: ");
      if (i < 0) {
        throw new AssertionError("no status in: " + output);
      }
      return output.substring(i + 7).split("[,;\\s]")[0];
    }
    return output.substring(i + 8).split("[,;\\s]")[0];
  }
}
