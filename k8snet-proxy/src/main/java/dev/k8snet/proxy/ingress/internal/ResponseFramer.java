package dev.k8snet.proxy.ingress.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Frames the HTTP/1.x responses arriving on one backend connection, on raw bytes: parses the status
 * line and only the header fields that decide framing and hop-by-hop handling, forwards the head
 * without the hop-by-hop lines (slices of the input, no copy), then follows the body by its framing
 * (Content-Length countdown, chunked across reads, read-until-close, or none) and forwards it
 * unchanged, de-chunked for HTTP/1.0 clients, or chunk-encoded when close-delimited towards an
 * HTTP/1.1 client.
 *
 * <p>Pure: no channel, no clock; what it decides goes to a {@link Sink}. One instance per backend
 * connection, {@link #begin} once per exchange.
 */
final class ResponseFramer {
  /** What the framer reports, in order. Every buffer handed over is owned by the sink. */
  interface Sink {
    /** A response head was parsed; called before its bytes are forwarded (1xx included). */
    void head(int status);

    /** Bytes for the client, in order. */
    void forward(ByteBuf bytes);

    /**
     * The final response ended: whether the backend connection may carry another request, and
     * whether the client connection must close (its body was delimited by the close).
     */
    void end(boolean reusable, boolean closeClient);

    /** A 101 to an upgrade request: the head and every byte after it were forwarded. */
    void switched();
  }

  /** The backend sent something that is not a well-formed HTTP/1.x response. */
  static final class MalformedResponseException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedResponseException(String message) {
      super(message, null, false, false);
    }
  }

  private static final byte[] HTTP11 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHUNKED_LINE =
      "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONNECTION_CLOSE_LINE =
      "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONNECTION_KEEP_ALIVE_LINE =
      "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] CONTENT_LENGTH = lower("content-length");
  private static final byte[] TRANSFER_ENCODING = lower("transfer-encoding");
  private static final byte[] CONNECTION = lower("connection");
  private static final byte[] KEEP_ALIVE = lower("keep-alive");
  private static final byte[] PROXY_CONNECTION = lower("proxy-connection");
  private static final byte[] CLOSE = lower("close");
  private static final byte[] CHUNKED = lower("chunked");

  private static final int HEAD = 0;
  private static final int FIXED = 1;
  private static final int CHUNK_SIZE = 2;
  private static final int CHUNK_EXT = 3;
  private static final int CHUNK_DATA = 4;
  private static final int CHUNK_DATA_END = 5;
  private static final int TRAILER = 6;
  private static final int UNTIL_CLOSE = 7;
  private static final int DONE = 8;

  private final Sink sink;
  private final ByteBufAllocator alloc;
  private final int maxLine;
  private final int maxHeaders;

  // The exchange.
  private boolean headRequest;
  private boolean chunkedClient;
  private boolean keepClient;
  private boolean upgradeAllowed;
  private byte[] setCookieLine;

  // The response.
  private int state = DONE;
  private ByteBuf cumulation;
  private long remaining;
  private int lineLength;
  private boolean sizeDigits;
  private boolean dechunk;
  private boolean encodeChunks;
  private boolean reusable;
  private boolean closeClient;

  // Forwarding: a pending range of the current input, extended while contiguous.
  private ByteBuf pendingBuf;
  private int pendingFrom;
  private int pendingTo;

  // Header lines of the head being parsed: start, colon, end (after LF); reused.
  private int[] lines = new int[3 * 32];
  private int[] kinds = new int[32];
  private int[] tokens = new int[2 * 4];
  private byte[] scratch = new byte[1024];

  ResponseFramer(Sink sink, ByteBufAllocator alloc, int maxLine, int maxHeaders) {
    this.sink = sink;
    this.alloc = alloc;
    this.maxLine = maxLine;
    this.maxHeaders = maxHeaders;
  }

  /**
   * Expects the response to a new request: whether it was HEAD, whether the client speaks HTTP/1.1
   * (may receive chunked), whether it asked to keep the connection, whether it asked to upgrade,
   * and the affinity cookie to add (or null). The final response tells the client what becomes of
   * its connection: {@code Connection: close} when it will be closed, {@code Connection:
   * keep-alive} to an HTTP/1.0 client whose connection stays open.
   */
  void begin(
      boolean head, boolean http11Client, boolean keepAlive, boolean upgrade, String setCookie) {
    reset();
    headRequest = head;
    chunkedClient = http11Client;
    keepClient = keepAlive;
    upgradeAllowed = upgrade;
    setCookieLine =
        setCookie == null
            ? null
            : ("Set-Cookie: " + setCookie + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    state = HEAD;
  }

  /** Whether a response is being read (its head or its body). */
  boolean inResponse() {
    return state != DONE;
  }

  /** Drops what is buffered. */
  void reset() {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
    pendingBuf = null;
    state = DONE;
  }

  /** Takes bytes read from the backend; always releases {@code in}. */
  void feed(ByteBuf in) throws MalformedResponseException {
    if (cumulation != null) {
      ByteBuf c = cumulation;
      cumulation = null;
      c.writeBytes(in);
      in.release();
      in = c;
    }
    boolean ok = false;
    try {
      while (in.isReadable()) {
        switch (state) {
          case HEAD -> {
            if (!head(in)) {
              flush();
              ok = true;
              return;
            }
          }
          case FIXED -> fixed(in);
          case CHUNK_SIZE, CHUNK_EXT, CHUNK_DATA, CHUNK_DATA_END, TRAILER -> chunked(in);
          case UNTIL_CLOSE -> untilClose(in);
          default -> in.skipBytes(in.readableBytes()); // after the response: not ours
        }
      }
      flush();
      ok = true;
    } finally {
      if (!ok) {
        pendingBuf = null;
        state = DONE;
      }
      in.release();
    }
  }

  /**
   * The backend closed its side; returns whether that ended the response (a close-delimited body),
   * reported to the sink; false when the response was cut short or never started.
   */
  boolean endOfInput() {
    if (state != UNTIL_CLOSE) {
      reset();
      return false;
    }
    if (encodeChunks) {
      sink.forward(alloc.buffer(LAST_CHUNK.length).writeBytes(LAST_CHUNK));
    }
    state = DONE;
    sink.end(false, closeClient);
    return true;
  }

  // ---- head ----

  /**
   * Parses a head if complete (consuming it); else keeps the bytes and returns false. The head is
   * copied into a byte array to be parsed (a few hundred bytes); the body is never copied.
   */
  private boolean head(ByteBuf in) throws MalformedResponseException {
    int start = in.readerIndex();
    int limit = in.writerIndex();
    // Tolerate empty lines before a status line, as HTTP/1.1 parsers do.
    while (start < limit && (in.getByte(start) == '\r' || in.getByte(start) == '\n')) {
      start++;
    }
    in.readerIndex(start);
    if (start == limit) {
      return true;
    }
    int max = maxLine + maxHeaders + 4;
    int n = Math.min(limit - start, max);
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, Math.min(2 * scratch.length, max))];
    }
    byte[] a = scratch;
    int copied = Math.min(n, 1024);
    in.getBytes(start, a, 0, copied);
    int nLines = 0;
    int pos = 0;
    int end = -1;
    while (true) {
      int lf = indexOfLf(a, pos, copied);
      if (lf < 0) {
        if (copied < n) {
          in.getBytes(start + copied, a, copied, n - copied);
          copied = n;
          continue;
        }
        break;
      }
      if (lf == pos || (lf == pos + 1 && a[pos] == '\r')) {
        end = lf + 1;
        break;
      }
      if (pos == 0 && lf > maxLine) {
        throw new MalformedResponseException("status line longer than " + maxLine + " bytes");
      }
      if (3 * nLines + 3 > lines.length) {
        lines = java.util.Arrays.copyOf(lines, lines.length * 2);
      }
      lines[3 * nLines] = pos;
      lines[3 * nLines + 2] = lf + 1;
      nLines++;
      pos = lf + 1;
    }
    if (end < 0) {
      if ((pos == 0 && n > maxLine) || n == max) {
        throw new MalformedResponseException("response head longer than the limits");
      }
      cumulation = alloc.buffer(Math.max(256, (limit - start) * 2));
      cumulation.writeBytes(in, start, limit - start);
      in.readerIndex(limit);
      return false;
    }
    parseHead(in, start, a, nLines, end);
    return true;
  }

  private static int indexOfLf(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static final int OTHER = 0;
  private static final int K_CONTENT_LENGTH = 1;
  private static final int K_TRANSFER_ENCODING = 2;
  private static final int K_CONNECTION = 3;
  private static final int K_HOP = 4; // Keep-Alive, Proxy-Connection

  /**
   * Parses the head in {@code a[0, end)}, a copy of {@code in} from {@code base}; {@code lines}
   * holds the start and end of each line before the empty one, the status line first.
   */
  private void parseHead(ByteBuf in, int base, byte[] a, int nLines, int end)
      throws MalformedResponseException {
    int statusLineEnd = lines[2];
    int statusEnd = statusLineEnd - 1;
    if (statusEnd > 0 && a[statusEnd - 1] == '\r') {
      statusEnd--;
    }
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (statusEnd < 12
        || a[0] != 'H'
        || a[1] != 'T'
        || a[2] != 'T'
        || a[3] != 'P'
        || a[4] != '/'
        || a[5] != '1'
        || a[6] != '.'
        || !isDigit(a[7])
        || a[8] != ' '
        || !isDigit(a[9])
        || !isDigit(a[10])
        || !isDigit(a[11])
        || (statusEnd > 12 && a[12] != ' ')) {
      throw new MalformedResponseException(
          "bad status line: " + new String(a, 0, statusEnd, StandardCharsets.ISO_8859_1));
    }
    boolean http10 = a[7] == '0';
    boolean http11Exact = a[7] == '1';
    int status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
    if (status < 100) {
      throw new MalformedResponseException("bad status code " + status);
    }
    if (end - statusLineEnd > maxHeaders + 2) {
      throw new MalformedResponseException("response headers longer than " + maxHeaders);
    }

    // Pass 1: join folded lines, find each name, read the fields that matter.
    int n = 0;
    for (int i = 1; i < nLines; i++) {
      int ls = lines[3 * i];
      int le = lines[3 * i + 2];
      if (a[ls] == ' ' || a[ls] == '\t') {
        if (n == 0) {
          throw new MalformedResponseException("header continuation without a header");
        }
        lines[3 * (n - 1) + 2] = le; // obs-fold: part of the previous field
        continue;
      }
      int colon = ls;
      while (colon < le && a[colon] != ':') {
        colon++;
      }
      if (colon == ls || colon == le) {
        throw new MalformedResponseException(
            "bad header line: " + new String(a, ls, le - ls, StandardCharsets.ISO_8859_1).strip());
      }
      // Compacted in place: entry n is (start, colon, end); the kind goes in kinds[n].
      lines[3 * n] = ls;
      lines[3 * n + 1] = colon;
      lines[3 * n + 2] = le;
      n++;
    }
    if (kinds.length < n) {
      kinds = new int[Math.max(n, 2 * kinds.length)];
    }
    int nTokens = 0;
    long contentLength = -1;
    boolean te = false;
    boolean teChunked = false;
    boolean close = false;
    boolean keepAlive = false;
    for (int i = 0; i < n; i++) {
      int ls = lines[3 * i];
      int colon = lines[3 * i + 1];
      int le = lines[3 * i + 2];
      int nameEnd = trimEnd(a, ls, colon);
      int kind = kind(a, ls, nameEnd);
      kinds[i] = kind;
      if (kind == K_CONTENT_LENGTH) {
        contentLength = contentLength(a, colon + 1, le, contentLength);
      } else if (kind == K_TRANSFER_ENCODING) {
        te = true;
        teChunked = lastTokenIs(a, colon + 1, le, CHUNKED);
      } else if (kind == K_CONNECTION) {
        // Tokens: close, keep-alive, or names of more hop-by-hop fields.
        int p = colon + 1;
        while (p < le) {
          int ts = skipSpace(a, p, le);
          int comma = ts;
          while (comma < le && a[comma] != ',') {
            comma++;
          }
          int tEnd = trimEnd(a, ts, comma);
          if (tEnd > ts) {
            if (nameIs(a, ts, tEnd, CLOSE)) {
              close = true;
            } else if (nameIs(a, ts, tEnd, KEEP_ALIVE)) {
              keepAlive = true;
            } else {
              if (2 * nTokens + 2 > tokens.length) {
                tokens = java.util.Arrays.copyOf(tokens, tokens.length * 2);
              }
              tokens[2 * nTokens] = ts;
              tokens[2 * nTokens + 1] = tEnd;
              nTokens++;
            }
          }
          p = comma + 1;
        }
      }
    }

    boolean switching = status == 101;
    if (switching && !upgradeAllowed) {
      throw new MalformedResponseException("101 Switching Protocols to a request without Upgrade");
    }
    boolean informational = status < 200 && !switching;
    boolean noBody = headRequest || informational || switching || status == 204 || status == 304;
    boolean chunkedBody = !noBody && te && teChunked;
    boolean closeDelimited = !noBody && !chunkedBody && (te || contentLength < 0);
    if (!informational) {
      reusable =
          !switching
              && (http10 ? keepAlive && !close : !close)
              && !(te && contentLength >= 0)
              && !closeDelimited;
      dechunk = chunkedBody && !chunkedClient;
      encodeChunks = closeDelimited && chunkedClient;
      closeClient = (chunkedBody || closeDelimited) && !chunkedClient;
    }
    boolean dropTe = dechunk || encodeChunks;
    boolean dropCl = te;

    sink.head(status);

    // Pass 2: forward the head without the hop-by-hop lines.
    if (http11Exact) {
      emit(in, base, base + statusLineEnd);
    } else {
      emitBytes(HTTP11);
      emit(in, base + 8, base + statusLineEnd);
    }
    for (int i = 0; i < n; i++) {
      int kind = kinds[i];
      boolean drop =
          (!switching
                  && (kind == K_CONNECTION
                      || kind == K_HOP
                      || (nTokens > 0 && namedByConnection(a, i, nTokens))))
              || (dropTe && kind == K_TRANSFER_ENCODING)
              || (dropCl && kind == K_CONTENT_LENGTH);
      if (!drop) {
        emit(in, base + lines[3 * i], base + lines[3 * i + 2]);
      }
    }
    int blank = end - (a[end - 2] == '\r' ? 2 : 1); // the empty line
    if (encodeChunks) {
      emitBytes(CHUNKED_LINE);
    }
    if (!informational && !switching) {
      if (closeClient || !keepClient) {
        emitBytes(CONNECTION_CLOSE_LINE);
      } else if (!chunkedClient) {
        emitBytes(CONNECTION_KEEP_ALIVE_LINE);
      }
    }
    if (setCookieLine != null && !informational) {
      emitBytes(setCookieLine);
    }
    emit(in, base + blank, base + end);
    in.readerIndex(base + end);

    if (informational) {
      state = HEAD; // the final response follows
      return;
    }
    if (switching) {
      emit(in, base + end, in.writerIndex());
      in.readerIndex(in.writerIndex());
      flush();
      state = DONE;
      sink.switched();
      return;
    }
    if (noBody || (contentLength == 0 && !chunkedBody && !closeDelimited)) {
      finish(in);
    } else if (chunkedBody) {
      state = CHUNK_SIZE;
      remaining = 0;
      lineLength = 0;
      sizeDigits = false;
    } else if (closeDelimited) {
      state = UNTIL_CLOSE;
    } else {
      state = FIXED;
      remaining = contentLength;
    }
  }

  private static int kind(byte[] a, int from, int to) {
    switch (to - from) {
      case 10:
        return nameIs(a, from, to, CONNECTION)
            ? K_CONNECTION
            : nameIs(a, from, to, KEEP_ALIVE) ? K_HOP : OTHER;
      case 14:
        return nameIs(a, from, to, CONTENT_LENGTH) ? K_CONTENT_LENGTH : OTHER;
      case 16:
        return nameIs(a, from, to, PROXY_CONNECTION) ? K_HOP : OTHER;
      case 17:
        return nameIs(a, from, to, TRANSFER_ENCODING) ? K_TRANSFER_ENCODING : OTHER;
      default:
        return OTHER;
    }
  }

  /** Whether header i is named by a token of a Connection field. */
  private boolean namedByConnection(byte[] a, int i, int nTokens) {
    int from = lines[3 * i];
    int to = trimEnd(a, from, lines[3 * i + 1]);
    for (int t = 0; t < nTokens; t++) {
      int ts = tokens[2 * t];
      int len = tokens[2 * t + 1] - ts;
      if (to - from == len && equalsIgnoreCase(a, from, ts, len)) {
        return true;
      }
    }
    return false;
  }

  private static long contentLength(byte[] a, int from, int to, long previous)
      throws MalformedResponseException {
    long value = previous;
    int p = from;
    while (true) {
      int s = skipSpace(a, p, to);
      int e = s;
      long v = 0;
      while (e < to && isDigit(a[e])) {
        if (e - s >= 18) {
          throw new MalformedResponseException("Content-Length too large");
        }
        v = v * 10 + (a[e] - '0');
        e++;
      }
      if (e == s) {
        throw new MalformedResponseException("bad Content-Length");
      }
      if (value >= 0 && value != v) {
        throw new MalformedResponseException("conflicting Content-Length values");
      }
      value = v;
      int after = skipSpace(a, e, to);
      if (after == to) {
        return value;
      }
      if (a[after] != ',') {
        throw new MalformedResponseException("bad Content-Length");
      }
      p = after + 1;
    }
  }

  private static boolean lastTokenIs(byte[] a, int from, int to, byte[] token) {
    int e = trimEnd(a, from, to);
    int s = e;
    while (s > from && a[s - 1] != ',') {
      s--;
    }
    s = skipSpace(a, s, e);
    return nameIs(a, s, e, token);
  }

  // ---- body ----

  private void fixed(ByteBuf in) {
    int r = in.readerIndex();
    int take = (int) Math.min(remaining, in.readableBytes());
    emit(in, r, r + take);
    in.readerIndex(r + take);
    remaining -= take;
    if (remaining == 0) {
      finish(in);
    }
  }

  private void untilClose(ByteBuf in) {
    int r = in.readerIndex();
    int len = in.readableBytes();
    if (encodeChunks) {
      flush();
      ByteBuf size = alloc.buffer(12);
      size.writeCharSequence(Integer.toHexString(len), StandardCharsets.US_ASCII);
      size.writeBytes(CRLF);
      sink.forward(size);
      emit(in, r, r + len);
      emitBytes(CRLF);
    } else {
      emit(in, r, r + len);
    }
    in.readerIndex(r + len);
  }

  /** Walks chunk framing; forwards the bytes as they are, or only the data when de-chunking. */
  private void chunked(ByteBuf in) throws MalformedResponseException {
    int p = in.readerIndex();
    int limit = in.writerIndex();
    int from = p;
    while (p < limit) {
      switch (state) {
        case CHUNK_SIZE -> {
          byte b = in.getByte(p++);
          lineLength++;
          int d = hex(b);
          if (d >= 0) {
            if (remaining > 0x07FF_FFFF_FFFF_FFFFL) {
              throw new MalformedResponseException("chunk size too large");
            }
            remaining = remaining * 16 + d;
            sizeDigits = true;
          } else if (b == ';' || b == ' ' || b == '\t') {
            state = CHUNK_EXT;
          } else if (b == '\r' && p < limit && in.getByte(p) == '\n') {
            p++;
            chunkSizeLineEnd();
          } else if (b == '\r' && p == limit) {
            state = CHUNK_EXT; // the LF comes in the next read
          } else if (b == '\n') {
            chunkSizeLineEnd();
          } else {
            throw new MalformedResponseException("bad chunk size");
          }
          if (lineLength > maxLine) {
            throw new MalformedResponseException("chunk size line too long");
          }
        }
        case CHUNK_EXT -> {
          byte b = in.getByte(p++);
          lineLength++;
          if (b == '\n') {
            chunkSizeLineEnd();
          } else if (lineLength > maxLine) {
            throw new MalformedResponseException("chunk extension too long");
          }
        }
        case CHUNK_DATA -> {
          int take = (int) Math.min(remaining, limit - p);
          if (dechunk) {
            emit(in, p, p + take);
          }
          p += take;
          remaining -= take;
          if (remaining == 0) {
            state = CHUNK_DATA_END;
            lineLength = 0;
          }
        }
        case CHUNK_DATA_END -> {
          byte b = in.getByte(p++);
          if (b == '\n') {
            state = CHUNK_SIZE;
            lineLength = 0;
            sizeDigits = false;
          } else if (b != '\r' || lineLength++ > 0) {
            throw new MalformedResponseException("chunk data not followed by CRLF");
          }
        }
        default -> { // TRAILER
          byte b = in.getByte(p++);
          if (b == '\n') {
            if (lineLength == 0) {
              if (!dechunk) {
                emit(in, from, p);
              }
              // De-chunked: the last chunk and trailers are not relayed, the close ends the body.
              in.readerIndex(p);
              finish(in);
              return;
            }
            lineLength = 0;
          } else if (b != '\r') {
            lineLength++;
            remaining++;
            if (remaining > maxHeaders) {
              throw new MalformedResponseException("trailers longer than " + maxHeaders);
            }
          }
        }
      }
    }
    if (!dechunk) {
      emit(in, from, p);
    }
    in.readerIndex(p);
  }

  private void chunkSizeLineEnd() throws MalformedResponseException {
    if (!sizeDigits) {
      throw new MalformedResponseException("chunk size missing");
    }
    lineLength = 0;
    if (remaining == 0) {
      state = TRAILER; // remaining now counts trailer bytes
    } else {
      state = CHUNK_DATA;
    }
  }

  private void finish(ByteBuf in) {
    boolean extra = in.isReadable();
    in.skipBytes(in.readableBytes());
    flush();
    state = DONE;
    // Bytes beyond the response: the connection is out of step, never reuse it.
    sink.end(reusable && !extra, closeClient);
  }

  // ---- forwarding ----

  @SuppressWarnings("ReferenceEquality") // the same buffer instance, not equal contents
  private void emit(ByteBuf in, int from, int to) {
    if (from == to) {
      return;
    }
    if (pendingBuf == in && pendingTo == from) {
      pendingTo = to;
      return;
    }
    flush();
    pendingBuf = in;
    pendingFrom = from;
    pendingTo = to;
  }

  private void emitBytes(byte[] bytes) {
    flush();
    sink.forward(alloc.buffer(bytes.length).writeBytes(bytes));
  }

  private void flush() {
    if (pendingBuf != null) {
      ByteBuf b = pendingBuf;
      pendingBuf = null;
      sink.forward(b.retainedSlice(pendingFrom, pendingTo - pendingFrom));
    }
  }

  // ---- bytes ----

  private static byte[] lower(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static int toLower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + 32 : b;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int l = b | 0x20;
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
  }

  private static int skipSpace(byte[] a, int from, int to) {
    while (from < to && isSpace(a[from])) {
      from++;
    }
    return from;
  }

  private static int trimEnd(byte[] a, int from, int to) {
    while (to > from && isSpace(a[to - 1])) {
      to--;
    }
    return to;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  /** Case-insensitive ASCII compare of a[from, to) with a lower-case name. */
  private static boolean nameIs(byte[] a, int from, int to, byte[] lowerName) {
    if (to - from != lowerName.length) {
      return false;
    }
    for (int i = 0; i < lowerName.length; i++) {
      byte b = a[from + i];
      if (b != lowerName[i] && !(b >= 'A' && b <= 'Z' && b + 32 == lowerName[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean equalsIgnoreCase(byte[] a, int ai, int bi, int len) {
    for (int i = 0; i < len; i++) {
      if (toLower(a[ai + i]) != toLower(a[bi + i])) {
        return false;
      }
    }
    return true;
  }
}
