package dev.k8snet.dns.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

/**
 * Forwards queries for names outside the authoritative zones to upstream servers: UDP with EDNS,
 * TCP when the upstream truncates, failover between upstreams, health checks of failed upstreams,
 * and a cache of upstream answers with prefetch and serve-stale (RFC 8767). Thread-safe.
 */
public final class Forwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

  /** Consecutive failures after which an upstream counts as unhealthy. */
  static final int MAX_FAILS = 2;

  /** The TTL of stale answers (RFC 8767 recommends 30 s). */
  static final long STALE_TTL = 30;

  static final long MAX_POSITIVE_TTL = 3600;
  static final long MAX_NEGATIVE_TTL = 1800;

  /** One upstream server. */
  public static final class Upstream {
    final InetSocketAddress address;
    final AtomicInteger fails = new AtomicInteger();
    final LongAdder queries = new LongAdder();
    final LongAdder failures = new LongAdder();

    Upstream(InetSocketAddress address) {
      this.address = address;
    }

    /** Returns the address. */
    public InetSocketAddress address() {
      return address;
    }

    /** Returns whether fewer than {@link #MAX_FAILS} consecutive queries failed. */
    public boolean healthy() {
      return fails.get() < MAX_FAILS;
    }

    /** Returns the queries sent. */
    public long queries() {
      return queries.sum();
    }

    /** Returns the failed queries (timeouts, errors). */
    public long failures() {
      return failures.sum();
    }
  }

  private record Key(WireName name, int type) {}

  /** A client waiting for an answer. */
  private record Waiter(
      int id,
      int flags,
      boolean edns,
      byte[] question,
      int limit,
      ByteBufAllocator alloc,
      Consumer<ByteBuf> reply) {}

  private static final class Entry {
    final byte[] wire; // upstream response without OPT
    final long storedMillis;
    final long ttl;
    final AtomicInteger hits = new AtomicInteger();
    volatile boolean prefetching;

    Entry(byte[] wire, long storedMillis, long ttl) {
      this.wire = wire;
      this.storedMillis = storedMillis;
      this.ttl = ttl;
    }
  }

  private static final class Pending {
    final Key key;
    final byte[] question;
    final List<Waiter> waiters = new ArrayList<>();
    final List<Upstream> tried = new ArrayList<>();
    int id;
    Upstream upstream;
    Channel socket;
    ScheduledFuture<?> timeout;
    boolean probe;

    Pending(Key key, byte[] question) {
      this.key = key;
      this.question = question;
    }
  }

  private final List<Upstream> upstreams;
  private final EventLoopGroup group;
  private final Class<? extends DatagramChannel> udpClass;
  private final Duration timeout;
  private final int cacheSize;
  private final Duration staleWindow;
  private final InstantSource clock;
  private final Metrics metrics;
  private final int maxConcurrent;
  private final AtomicInteger outstanding = new AtomicInteger();
  private final Map<Key, Entry> cache = new ConcurrentHashMap<>();
  private final Map<Integer, Pending> pending = new HashMap<>();
  private final Map<Key, Pending> inflight = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private int next;

  /** Client sockets on random ports; each query goes out of a random one (source-port entropy). */
  static final int SOCKETS = 8;

  private final List<Channel> sockets = new ArrayList<>();
  private Channel channel; // the first socket: its event loop runs timers and health checks
  private ExecutorService tcp;
  private ScheduledFuture<?> health;

  /** Creates a forwarder; {@link #start} binds its socket. */
  public Forwarder(
      List<InetSocketAddress> upstreams,
      EventLoopGroup group,
      Class<? extends DatagramChannel> udpClass,
      Duration timeout,
      int cacheSize,
      Duration staleWindow,
      InstantSource clock,
      Metrics metrics,
      int maxConcurrent) {
    this.maxConcurrent = maxConcurrent;
    this.upstreams = upstreams.stream().map(Upstream::new).toList();
    this.group = group;
    this.udpClass = udpClass;
    this.timeout = timeout;
    this.cacheSize = cacheSize;
    this.staleWindow = staleWindow;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Returns the upstreams with their health. */
  public List<Upstream> upstreams() {
    return upstreams;
  }

  /** Returns the number of cached answers. */
  public int cacheEntries() {
    return cache.size();
  }

  /** Binds the client socket and starts the health checks. */
  public void start() throws InterruptedException {
    boolean v6 =
        upstreams.stream().anyMatch(u -> u.address.getAddress() instanceof java.net.Inet6Address);
    Bootstrap client =
        new Bootstrap()
            .group(group)
            .channel(udpClass)
            .handler(
                new ChannelInitializer<DatagramChannel>() {
                  @Override
                  protected void initChannel(DatagramChannel ch) {
                    ch.pipeline()
                        .addLast(
                            new SimpleChannelInboundHandler<DatagramPacket>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, DatagramPacket p) {
                                onResponse(
                                    ctx.channel(), p.sender(), ByteBufUtil2.bytes(p.content()));
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                                log.debug("forwarder socket error", t);
                              }
                            });
                  }
                });
    for (int i = 0; i < SOCKETS; i++) {
      sockets.add(client.bind(new InetSocketAddress(v6 ? "::" : "0.0.0.0", 0)).sync().channel());
    }
    channel = sockets.get(0);
    tcp =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "k8snet-dns-forward-tcp");
              t.setDaemon(true);
              return t;
            });
    health =
        channel.eventLoop().scheduleAtFixedRate(this::checkHealth, 500, 500, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (health != null) {
      health.cancel(false);
    }
    for (Channel c : sockets) {
      c.close().awaitUninterruptibly();
    }
    if (tcp != null) {
      tcp.shutdownNow();
    }
  }

  /** Answers {@code q} from the cache or upstream; calls {@code reply} exactly once. */
  public void forward(
      Query q, ByteBuf in, int limit, ByteBufAllocator alloc, Consumer<ByteBuf> reply) {
    byte[] question = new byte[q.questionEnd - 12];
    in.getBytes(in.readerIndex() + 12, question);
    forward(
        new Key(q.qname, q.qtype),
        new Waiter(q.id, q.flags, q.edns, question, limit, alloc, reply));
  }

  /**
   * Answers a query whose authoritative answer is a CNAME chain leaving the zones ({@code r}): asks
   * upstream for the last target and returns the chain followed by the upstream's answer; when that
   * fails the chain alone (NOERROR), so the CNAME is never lost.
   */
  public void chase(
      Query q, ByteBuf in, Rendered r, int limit, ByteBufAllocator alloc, Consumer<ByteBuf> reply) {
    byte[] clientQuestion = new byte[q.questionEnd - 12];
    in.getBytes(in.readerIndex() + 12, clientQuestion);
    byte[] target = r.chase.wire();
    byte[] question = Arrays.copyOf(target, target.length + 4);
    question[target.length] = (byte) (q.qtype >> 8);
    question[target.length + 1] = (byte) q.qtype;
    question[target.length + 3] = 1;
    int id = q.id;
    int flags = q.flags;
    boolean edns = q.edns;
    int qtype = q.qtype;
    List<Rr> chain = r.chain;
    Consumer<ByteBuf> merge =
        up -> {
          try {
            reply.accept(
                merge(
                    id,
                    flags,
                    edns,
                    clientQuestion,
                    qtype,
                    chain,
                    ByteBufUtil2.bytes(up),
                    limit,
                    alloc));
          } finally {
            up.release();
          }
        };
    forward(
        new Key(r.chase, q.qtype),
        new Waiter(0, 0x0100, false, question, 65535, ByteBufAllocator.DEFAULT, merge));
  }

  private static ByteBuf merge(
      int id,
      int flags,
      boolean edns,
      byte[] clientQuestion,
      int qtype,
      List<Rr> chain,
      byte[] upstream,
      int limit,
      ByteBufAllocator alloc) {
    try {
      Message m = new Message(id);
      m.getHeader().setFlag(org.xbill.DNS.Flags.QR);
      m.getHeader().setFlag(org.xbill.DNS.Flags.RA);
      if ((flags & 0x0100) != 0) {
        m.getHeader().setFlag(org.xbill.DNS.Flags.RD);
      }
      org.xbill.DNS.Name qname = new org.xbill.DNS.Name(new org.xbill.DNS.DNSInput(clientQuestion));
      m.addRecord(org.xbill.DNS.Record.newRecord(qname, qtype, 1), Section.QUESTION);
      for (Rr rr : chain) {
        m.addRecord(
            new org.xbill.DNS.CNAMERecord(
                org.xbill.DNS.Name.fromString(rr.owner().toString()),
                1,
                rr.ttl(),
                org.xbill.DNS.Name.fromString(((Rr.Target) rr.data()).target().toString())),
            Section.ANSWER);
      }
      Message um = new Message(upstream);
      int rc = um.getRcode();
      if (rc == Result.NOERROR || rc == Result.NXDOMAIN) {
        m.getHeader().setRcode(rc);
        for (org.xbill.DNS.Record x : um.getSection(Section.ANSWER)) {
          m.addRecord(x, Section.ANSWER);
        }
        if (um.getSection(Section.ANSWER).isEmpty()) {
          for (org.xbill.DNS.Record x : um.getSection(Section.AUTHORITY)) {
            m.addRecord(x, Section.AUTHORITY);
          }
        }
      }
      if (edns) {
        m.addRecord(new OPTRecord(Responder.ADVERTISED_UDP_SIZE, 0, 0), Section.ADDITIONAL);
      }
      byte[] out = m.toWire(limit);
      return alloc.directBuffer(out.length).writeBytes(out);
    } catch (IOException e) {
      ByteBuf out = alloc.directBuffer(12);
      out.writeShort(id);
      out.writeShort(0x8080 | (flags & 0x0110) | Result.SERVFAIL);
      out.writeZero(8);
      return out;
    }
  }

  private void forward(Key key, Waiter waiter) {
    Waiter w = waiter;
    long now = clock.millis();
    Entry e = cache.get(key);
    if (e != null && now < e.storedMillis + e.ttl * 1000) {
      metrics.cacheHits.increment();
      int hits = e.hits.incrementAndGet();
      long remaining = e.storedMillis + e.ttl * 1000 - now;
      w.reply.accept(render(e.wire, w, (now - e.storedMillis) / 1000, -1));
      if (hits >= 2 && remaining * 10 < e.ttl * 1000 && !e.prefetching) {
        e.prefetching = true;
        metrics.prefetches.increment();
        synchronized (this) {
          if (!inflight.containsKey(key)) {
            Pending p = new Pending(key, w.question);
            inflight.put(key, p);
            send(p);
          }
        }
      }
      return;
    }
    metrics.cacheMisses.increment();
    if (upstreams.isEmpty()) {
      w.reply.accept(fail(w));
      return;
    }
    if (outstanding.incrementAndGet() > maxConcurrent) {
      outstanding.decrementAndGet();
      w.reply.accept(refused(w));
      return;
    }
    Waiter orig = w;
    w =
        new Waiter(
            orig.id,
            orig.flags,
            orig.edns,
            orig.question,
            orig.limit,
            orig.alloc,
            buf -> {
              outstanding.decrementAndGet();
              orig.reply.accept(buf);
            });
    synchronized (this) {
      Pending p = inflight.get(key);
      if (p != null) {
        p.waiters.add(w);
        return;
      }
      p = new Pending(key, w.question);
      p.waiters.add(w);
      inflight.put(key, p);
      send(p);
    }
  }

  private Upstream choose(Pending p) {
    int n = upstreams.size();
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < n; i++) {
        Upstream u = upstreams.get((next + i) % n);
        if ((pass == 1 || u.healthy()) && !p.tried.contains(u)) {
          next = (next + i + 1) % n;
          return u;
        }
      }
    }
    Upstream u = upstreams.get(next % n);
    next = (next + 1) % n;
    return u;
  }

  // holds the monitor
  private void send(Pending p) {
    Upstream u = p.probe ? p.upstream : choose(p);
    int id;
    do {
      id = random.nextInt(0x10000);
    } while (pending.containsKey(id));
    p.id = id;
    p.upstream = u;
    p.tried.add(u);
    pending.put(id, p);
    u.queries.increment();
    ByteBuf buf = Unpooled.buffer(12 + p.question.length + 11);
    buf.writeShort(id);
    buf.writeShort(p.probe ? 0 : 0x0100); // RD
    buf.writeShort(1);
    buf.writeShort(0);
    buf.writeShort(0);
    buf.writeShort(1);
    buf.writeBytes(p.question);
    Responder.writeOpt(buf, 0);
    p.socket = sockets.get(random.nextInt(sockets.size()));
    var unused = p.socket.writeAndFlush(new DatagramPacket(buf, u.address));
    int thisId = id;
    p.timeout =
        channel
            .eventLoop()
            .schedule(() -> onTimeout(thisId), timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onTimeout(int id) {
    synchronized (this) {
      Pending p = pending.remove(id);
      if (p == null) {
        return;
      }
      fail(p.upstream);
      if (!p.probe && p.tried.size() < Math.max(2, Math.min(3, upstreams.size()))) {
        send(p);
        return;
      }
      if (!p.probe) {
        inflight.remove(p.key);
        finishFailed(p);
      }
    }
  }

  private static void fail(Upstream u) {
    u.failures.increment();
    u.fails.incrementAndGet();
  }

  private void onResponse(Channel socket, InetSocketAddress sender, byte[] b) {
    if (b.length < 12) {
      return;
    }
    int id = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    Pending p;
    synchronized (this) {
      p = pending.get(id);
      if (p == null
          || p.socket != socket
          || !p.upstream.address.equals(sender)
          || !sameQuestion(b, p.question)) {
        return; // late, spoofed or unrelated
      }
      pending.remove(id);
      p.timeout.cancel(false);
      p.upstream.fails.set(0);
      if (p.probe) {
        return;
      }
    }
    if ((b[2] & 0x02) != 0) {
      Pending tp = p;
      tcp.execute(
          () -> {
            byte[] full;
            try {
              full = tcpQuery(tp);
            } catch (IOException e) {
              log.debug("TCP fallback to {} failed", tp.upstream.address, e);
              full = null;
            }
            byte[] result = full;
            channel.eventLoop().execute(() -> complete(tp, result));
          });
      return;
    }
    complete(p, b);
  }

  private static boolean sameQuestion(byte[] b, byte[] question) {
    if (b.length < 12 + question.length || b[4] != 0 || b[5] != 1) {
      return false;
    }
    for (int i = 0; i < question.length; i++) {
      byte x = b[12 + i];
      byte y = question[i];
      if (x != y
          && Character.toLowerCase((char) (x & 0xff)) != Character.toLowerCase((char) (y & 0xff))) {
        return false;
      }
    }
    return true;
  }

  private byte[] tcpQuery(Pending p) throws IOException {
    try (Socket s = new Socket()) {
      int ms = (int) timeout.toMillis();
      s.connect(p.upstream.address, ms);
      s.setSoTimeout(ms);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      int len = 12 + p.question.length;
      out.writeShort(len);
      out.writeShort(p.id);
      out.writeShort(0x0100);
      out.writeShort(1);
      out.writeShort(0);
      out.writeShort(0);
      out.writeShort(0);
      out.write(p.question);
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      int rlen = in.readUnsignedShort();
      byte[] r = new byte[rlen];
      in.readFully(r);
      return r;
    }
  }

  private void complete(Pending p, byte[] response) {
    List<Waiter> waiters;
    synchronized (this) {
      inflight.remove(p.key);
      waiters = new ArrayList<>(p.waiters);
    }
    int rcode = response == null ? Result.SERVFAIL : response[3] & 0xF;
    if (response == null || (rcode != Result.NOERROR && rcode != Result.NXDOMAIN)) {
      finishFailed(p, waiters, response);
      return;
    }
    byte[] stripped;
    long ttl;
    try {
      Message m = new Message(response);
      OPTRecord opt = m.getOPT();
      if (opt != null) {
        m.removeRecord(opt, Section.ADDITIONAL);
      }
      stripped = m.toWire();
      ttl = cacheTtl(m);
    } catch (IOException | RuntimeException e) {
      log.debug("unparseable upstream answer from {}", p.upstream.address, e);
      finishFailed(p, waiters, null);
      return;
    }
    if (ttl > 0) {
      store(p.key, new Entry(stripped, clock.millis(), ttl));
    }
    for (Waiter w : waiters) {
      w.reply.accept(render(stripped, w, 0, -1));
    }
  }

  private void finishFailed(Pending p) {
    finishFailed(p, new ArrayList<>(p.waiters), null);
  }

  private void finishFailed(Pending p, List<Waiter> waiters, byte[] response) {
    Entry stale = cache.get(p.key);
    long now = clock.millis();
    boolean usable =
        stale != null && now < stale.storedMillis + stale.ttl * 1000 + staleWindow.toMillis();
    if (stale != null) {
      stale.prefetching = false;
    }
    for (Waiter w : waiters) {
      if (usable) {
        metrics.staleAnswers.increment();
        w.reply.accept(render(stale.wire, w, 0, STALE_TTL));
      } else if (response != null) {
        w.reply.accept(render(response, w, 0, -1));
      } else {
        w.reply.accept(fail(w));
      }
    }
  }

  private static ByteBuf fail(Waiter w) {
    return error(w, Result.SERVFAIL);
  }

  private static ByteBuf refused(Waiter w) {
    return error(w, Result.REFUSED);
  }

  private static ByteBuf error(Waiter w, int rcode) {
    ByteBuf out = w.alloc.directBuffer(12 + w.question.length + 11);
    out.writeShort(w.id);
    out.writeShort(0x8080 | (w.flags & 0x0110) | rcode);
    out.writeShort(1);
    out.writeShort(0);
    out.writeShort(0);
    out.writeShort(w.edns ? 1 : 0);
    out.writeBytes(w.question);
    if (w.edns) {
      Responder.writeOpt(out, 0);
    }
    return out;
  }

  private void store(Key key, Entry e) {
    if (cache.size() >= cacheSize) {
      // evict about 1 % of the entries, expired first, else whatever the iterator yields
      long now = clock.millis();
      int evict = Math.max(1, cacheSize / 100);
      Iterator<Map.Entry<Key, Entry>> it = cache.entrySet().iterator();
      while (it.hasNext() && evict > 0) {
        Entry x = it.next().getValue();
        if (now >= x.storedMillis + x.ttl * 1000 + staleWindow.toMillis()
            || cache.size() >= cacheSize) {
          it.remove();
          evict--;
        }
      }
    }
    cache.put(key, e);
  }

  static long cacheTtl(Message m) {
    org.xbill.DNS.Record[] answer = m.getSectionArray(Section.ANSWER);
    long ttl = Long.MAX_VALUE;
    if (answer.length > 0 && m.getRcode() == 0) {
      for (org.xbill.DNS.Record r : answer) {
        ttl = Math.min(ttl, r.getTTL());
      }
      return Math.min(ttl, MAX_POSITIVE_TTL);
    }
    for (org.xbill.DNS.Record r : m.getSectionArray(Section.AUTHORITY)) {
      if (r instanceof org.xbill.DNS.SOARecord soa) {
        return Math.min(Math.min(soa.getTTL(), soa.getMinimum()), MAX_NEGATIVE_TTL);
      }
    }
    return 0; // negative without SOA: not cacheable (RFC 2308 §5)
  }

  /**
   * Renders an upstream answer for a waiter: its ID, flags and question case, TTLs reduced by
   * {@code age} (or all set to {@code fixedTtl} when not negative), OPT when it sent one, truncated
   * to its limit.
   */
  private static ByteBuf render(byte[] wire, Waiter w, long age, long fixedTtl) {
    byte[] b = Arrays.copyOf(wire, wire.length);
    b[0] = (byte) (w.id >> 8);
    b[1] = (byte) w.id;
    int flags = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    flags = (flags & ~0x0510) | (w.flags & 0x0110) | 0x8080; // AA off, RD/CD from client, RA on
    b[2] = (byte) (flags >> 8);
    b[3] = (byte) flags;
    if (b.length >= 12 + w.question.length) {
      System.arraycopy(w.question, 0, b, 12, w.question.length);
    }
    adjustTtls(b, age, fixedTtl);
    int optLen = w.edns ? 11 : 0;
    if (b.length + optLen <= w.limit) {
      ByteBuf out = w.alloc.directBuffer(b.length + optLen);
      out.writeBytes(b);
      if (w.edns) {
        int ar = out.getUnsignedShort(10);
        out.setShort(10, ar + 1);
        Responder.writeOpt(out, 0);
      }
      return out;
    }
    try {
      Message m = new Message(b);
      if (w.edns) {
        m.addRecord(new OPTRecord(Responder.ADVERTISED_UDP_SIZE, 0, 0), Section.ADDITIONAL);
      }
      byte[] t = m.toWire(w.limit);
      return w.alloc.directBuffer(t.length).writeBytes(t);
    } catch (IOException e) {
      ByteBuf out = w.alloc.directBuffer(12);
      out.writeBytes(b, 0, 12);
      out.setShort(2, flags | 0x0200);
      out.setShort(4, 0);
      out.setShort(6, 0);
      out.setShort(8, 0);
      out.setShort(10, 0);
      return out;
    }
  }

  static void adjustTtls(byte[] b, long age, long fixedTtl) {
    int qd = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
    int rrs =
        (((b[6] & 0xff) << 8) | (b[7] & 0xff))
            + (((b[8] & 0xff) << 8) | (b[9] & 0xff))
            + (((b[10] & 0xff) << 8) | (b[11] & 0xff));
    int p = 12;
    for (int i = 0; i < qd; i++) {
      p = skipName(b, p);
      if (p < 0) {
        return;
      }
      p += 4;
    }
    for (int i = 0; i < rrs; i++) {
      p = skipName(b, p);
      if (p < 0 || p + 10 > b.length) {
        return;
      }
      int type = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
      if (type != Rr.OPT) {
        long ttl =
            ((long) (b[p + 4] & 0xff) << 24)
                | ((b[p + 5] & 0xff) << 16)
                | ((b[p + 6] & 0xff) << 8)
                | (b[p + 7] & 0xff);
        long v = fixedTtl >= 0 ? fixedTtl : Math.max(0, ttl - age);
        b[p + 4] = (byte) (v >> 24);
        b[p + 5] = (byte) (v >> 16);
        b[p + 6] = (byte) (v >> 8);
        b[p + 7] = (byte) v;
      }
      int rdlen = ((b[p + 8] & 0xff) << 8) | (b[p + 9] & 0xff);
      p += 10 + rdlen;
    }
  }

  private static int skipName(byte[] b, int p) {
    for (int guard = 0; guard < 128 && p < b.length; guard++) {
      int l = b[p] & 0xff;
      if (l == 0) {
        return p + 1;
      }
      if ((l & 0xC0) == 0xC0) {
        return p + 2;
      }
      p += 1 + l;
    }
    return -1;
  }

  private void checkHealth() {
    synchronized (this) {
      for (Upstream u : upstreams) {
        if (!u.healthy()) {
          boolean probing = false;
          for (Pending p : pending.values()) {
            if (p.probe && p.upstream == u) {
              probing = true;
              break;
            }
          }
          if (!probing) {
            Pending p = new Pending(new Key(WireName.ROOT, Rr.NS), new byte[] {0, 0, 2, 0, 1});
            p.probe = true;
            p.upstream = u;
            send(p);
          }
        }
      }
    }
  }
}
