package dev.k8snet.proxy.ingress.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Inactivity timeouts measured off the event loop, with the ticker driven by hand. */
class TimeoutsTest {
  static final long MS = 1_000_000;
  final Timeouts timeouts = new Timeouts();
  final List<Runnable> loop = new ArrayList<>();
  final AtomicInteger fired = new AtomicInteger();

  /** Runs what the ticker asked the loop to run. */
  void runLoop() {
    List<Runnable> tasks = List.copyOf(loop);
    loop.clear();
    tasks.forEach(Runnable::run);
  }

  Timeouts.Watch watch() {
    return timeouts.watch(loop::add, fired::incrementAndGet);
  }

  void tickAt(long millis) {
    timeouts.tick(millis * MS);
    runLoop();
  }

  @Test
  void anArmedWatchFiresOnceItsTimeoutPassesWithoutActivity() {
    watch().arm(Duration.ofSeconds(1));
    tickAt(0);
    tickAt(250);
    tickAt(750);
    assertEquals(0, fired.get());
    tickAt(1000);
    assertEquals(1, fired.get());
  }

  @Test
  void activityStartsTheTimeoutAgain() {
    Timeouts.Watch w = watch();
    w.arm(Duration.ofSeconds(1));
    tickAt(0);
    tickAt(500);
    w.activity();
    tickAt(750);
    tickAt(1500);
    assertEquals(0, fired.get());
    tickAt(1750);
    assertEquals(1, fired.get());
  }

  @Test
  void anIdleWatchFiresAgainATimeoutLaterNotOnEveryTick() {
    watch().arm(Duration.ofSeconds(1));
    tickAt(0);
    tickAt(1000);
    tickAt(1250);
    tickAt(1750);
    assertEquals(1, fired.get());
    tickAt(2000);
    assertEquals(2, fired.get());
  }

  @Test
  void disarmedAndCancelledWatchesNeverFire() {
    Timeouts.Watch disarmed = watch();
    disarmed.arm(Duration.ofMillis(100));
    disarmed.disarm();
    Timeouts.Watch cancelled = watch();
    cancelled.arm(Duration.ofMillis(100));
    cancelled.cancel();
    for (int t = 0; t <= 5000; t += 250) {
      tickAt(t);
    }
    assertEquals(0, fired.get());
    assertEquals(1, timeouts.size(), "the cancelled watch is forgotten");
  }

  @Test
  void activityBetweenTheTickersDecisionAndTheLoopRunningItCancelsTheAction() {
    Timeouts.Watch w = watch();
    w.arm(Duration.ofSeconds(1));
    timeouts.tick(0);
    timeouts.tick(1000 * MS);
    assertEquals(1, loop.size(), "the ticker asked the loop");
    w.activity();
    runLoop();
    assertEquals(0, fired.get());
    w.cancel();
    Timeouts.Watch disarmed = watch();
    disarmed.arm(Duration.ofSeconds(1));
    timeouts.tick(2000 * MS);
    timeouts.tick(3000 * MS);
    disarmed.disarm();
    runLoop();
    assertEquals(0, fired.get());
  }

  @Test
  void idleTimeoutFiresAReaderIdleEventOnTheChannelsLoopAndAReadPostponesIt() {
    List<Object> events = new ArrayList<>();
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new IdleTimeout(timeouts, Duration.ofSeconds(10)),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
              }
            });
    timeouts.tick(0);
    timeouts.tick(9_000 * MS);
    ch.writeInbound("request");
    assertEquals("request", ch.readInbound());
    timeouts.tick(9_250 * MS);
    timeouts.tick(19_000 * MS);
    ch.runPendingTasks();
    assertEquals(List.of(), events, "the read started the timeout again");
    timeouts.tick(19_250 * MS);
    ch.runPendingTasks();
    assertEquals(List.of(IdleStateEvent.READER_IDLE_STATE_EVENT), events);
    assertEquals(1, timeouts.size());
    assertTrue(ch.close().isSuccess());
    assertEquals(0, timeouts.size(), "a closed channel's watch is cancelled");
    assertFalse(ch.isOpen());
  }

  @Test
  void theTickerThreadRunsActionsOnItsOwn() throws Exception {
    try (Timeouts real = new Timeouts("test-timeouts")) {
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      long start = System.nanoTime();
      real.watch(Runnable::run, done::countDown).arm(Duration.ofMillis(300));
      assertTrue(done.await(10, java.util.concurrent.TimeUnit.SECONDS));
      long tookMillis = (System.nanoTime() - start) / MS;
      assertTrue(tookMillis >= 300, "not before the timeout: " + tookMillis);
    }
  }
}
