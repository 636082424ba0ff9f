package dev.k8snet.samples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k8snet.core.netns.NetworkNamespace;
import dev.k8snet.testkit.Privileged;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Lab#close} from another thread (the demo's shutdown hook) and work that adds to the lab do
 * not overlap: close waits for work in progress, refuses later work, and every close returns only
 * once everything is removed.
 */
@Privileged
class LabTest {
  private final String prefix = "k8snet-labtest-" + ProcessHandle.current().pid() + "-";
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private Lab lab;

  @AfterEach
  void closeLab() {
    release.countDown();
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void closeWaitsForWorkInProgressThenRemovesWhatItCreated() throws Exception {
    lab = Lab.create(prefix);
    Path written = lab.workDir().resolve("written-by-the-work");
    CompletableFuture<Path> work = CompletableFuture.supplyAsync(() -> slowWrite(written));
    assertTrue(started.await(10, TimeUnit.SECONDS));

    CompletableFuture<Void> close = CompletableFuture.runAsync(lab::close);
    Thread.sleep(300);
    assertFalse(close.isDone(), "close waits while the work runs");
    assertTrue(Files.exists(lab.workDir()), "nothing is removed under the work");

    release.countDown();
    assertEquals(written, work.get(10, TimeUnit.SECONDS));
    close.get(20, TimeUnit.SECONDS);
    assertFalse(Files.exists(lab.workDir()), "the work directory is removed, with the file");
    assertEquals(List.of(), namespaces());
  }

  @Test
  void workStartedAfterCloseBeganIsRefused() throws Exception {
    lab = Lab.create(prefix);
    lab.close();
    Path late = lab.workDir().resolve("late");

    Lab.ClosingException refused =
        assertThrows(Lab.ClosingException.class, () -> lab.whileOpen(() -> Files.createFile(late)));
    assertTrue(refused.getMessage().contains(lab.workDir().toString()), refused.getMessage());
    assertThrows(Lab.ClosingException.class, () -> lab.addPod("late-pod"));
    assertFalse(Files.exists(lab.workDir()));
    assertEquals(List.of(), namespaces());
  }

  @Test
  void aSecondCloseReturnsOnlyOnceTheFirstHasRemovedEverything() throws Exception {
    lab = Lab.create(prefix);
    lab.addPod("pod");
    CompletableFuture<Path> work =
        CompletableFuture.supplyAsync(() -> slowWrite(lab.workDir().resolve("file")));
    assertTrue(started.await(10, TimeUnit.SECONDS));
    CompletableFuture<Void> first = CompletableFuture.runAsync(lab::close);
    Thread.sleep(100);

    CompletableFuture<List<String>> second =
        CompletableFuture.supplyAsync(
            () -> {
              lab.close();
              return namespaces();
            });
    Thread.sleep(300);
    assertFalse(second.isDone(), "the second close waits for the first");

    release.countDown();
    work.get(10, TimeUnit.SECONDS);
    assertEquals(List.of(), second.get(20, TimeUnit.SECONDS), "no namespace left when it returns");
    assertFalse(Files.exists(lab.workDir()));
    first.get(20, TimeUnit.SECONDS);
  }

  /** Writes {@code file} inside {@link Lab#whileOpen} once {@link #release} is counted down. */
  private Path slowWrite(Path file) {
    try {
      return lab.whileOpen(
          () -> {
            started.countDown();
            assertTrue(release.await(20, TimeUnit.SECONDS));
            return Files.writeString(file, "created while the lab was open");
          });
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> namespaces() {
    try (var files = Files.list(NetworkNamespace.RUN_DIR)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
