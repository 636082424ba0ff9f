package dev.k8snet.core.internal.nftables;

import dev.k8snet.core.netns.NetworkNamespace;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libnftables in-process. The context is created, used and freed on one {@link NamespaceThread}
 * that stays in the target namespace for the context's lifetime, because libnftables opens its
 * netlink socket in the namespace of the thread that runs a command.
 */
public final class LibnftablesBackend implements NftBackend {
  private static final Logger log = LoggerFactory.getLogger(LibnftablesBackend.class);
  private static final int NFT_CTX_OUTPUT_JSON = 1 << 4;

  private static final class Holder {
    static final LibNftables LIB = load();

    private static LibNftables load() {
      try {
        return LibraryLoader.create(LibNftables.class).failImmediately().load("nftables");
      } catch (LinkageError | RuntimeException e) {
        log.debug("libnftables not available: {}", e.toString());
        return null;
      }
    }
  }

  private final LibNftables lib;
  private final NamespaceThread thread;
  private final Pointer ctx;
  private ByteBuffer input = ByteBuffer.allocateDirect(64 * 1024);

  private LibnftablesBackend(LibNftables lib, NamespaceThread thread, Pointer ctx) {
    this.lib = lib;
    this.thread = thread;
    this.ctx = ctx;
  }

  /** Returns a backend for {@code ns}, or empty when libnftables.so.1 cannot be loaded. */
  public static Optional<NftBackend> open(NetworkNamespace ns) {
    LibNftables lib = Holder.LIB;
    if (lib == null) {
      return Optional.empty();
    }
    NamespaceThread thread = NamespaceThread.start(ns, "nft-" + ns.inode());
    try {
      Pointer ctx =
          thread.call(
              () -> {
                Pointer c = lib.nft_ctx_new(0);
                if (c == null) {
                  throw new IllegalStateException("nft_ctx_new failed");
                }
                lib.nft_ctx_buffer_output(c);
                lib.nft_ctx_buffer_error(c);
                return c;
              });
      return Optional.of(new LibnftablesBackend(lib, thread, ctx));
    } catch (RuntimeException e) {
      thread.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return "libnftables";
  }

  @Override
  public synchronized Result run(String script, boolean json, boolean dryRun) {
    byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
    if (input.capacity() < bytes.length + 1) {
      input = ByteBuffer.allocateDirect(Math.max(bytes.length + 1, input.capacity() * 2));
    }
    ByteBuffer buf = input;
    buf.clear();
    buf.put(bytes).put((byte) 0).flip();
    try {
      return thread.call(
          () -> {
            lib.nft_ctx_output_set_flags(ctx, json ? NFT_CTX_OUTPUT_JSON : 0);
            lib.nft_ctx_set_dry_run(ctx, dryRun);
            int rc = lib.nft_run_cmd_from_buffer(ctx, buf);
            String out = lib.nft_ctx_get_output_buffer(ctx);
            String err = lib.nft_ctx_get_error_buffer(ctx);
            if (rc != 0 && !json) {
              // libnftables 1.0.6 echoes the buffer's first line in errors instead of the
              // offending one; a dry run of the same script from a file reports the right line.
              err = locatedError(script, err);
            }
            if (json || dryRun) {
              lib.nft_ctx_output_set_flags(ctx, 0);
              lib.nft_ctx_set_dry_run(ctx, false);
            }
            return new Result(rc == 0, out == null ? "" : out, err == null ? "" : err);
          });
    } finally {
      Reference.reachabilityFence(buf);
    }
  }

  private String locatedError(String script, String original) {
    Path file = null;
    try {
      file = Files.createTempFile("k8snet-nft-", ".nft");
      Files.writeString(file, script, StandardCharsets.UTF_8);
      lib.nft_ctx_set_dry_run(ctx, true);
      int rc = lib.nft_run_cmd_from_filename(ctx, file.toString());
      lib.nft_ctx_get_output_buffer(ctx);
      String err = lib.nft_ctx_get_error_buffer(ctx);
      lib.nft_ctx_set_dry_run(ctx, false);
      if (rc != 0 && err != null && err.startsWith(file.toString() + ":")) {
        return err.replace(file.toString() + ":", "script:");
      }
    } catch (IOException e) {
      log.debug("cannot locate nft error: {}", e.toString());
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          log.debug("cannot remove {}: {}", file, e.toString());
        }
      }
    }
    return original;
  }

  @Override
  public synchronized void close() {
    try {
      thread.call(
          () -> {
            lib.nft_ctx_free(ctx);
            return null;
          });
    } finally {
      thread.close();
    }
  }
}
