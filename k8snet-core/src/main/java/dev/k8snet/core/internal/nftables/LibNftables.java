package dev.k8snet.core.internal.nftables;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/** The libnftables functions k8snet uses (libnftables(3)). */
public interface LibNftables {
  Pointer nft_ctx_new(int flags);

  void nft_ctx_free(Pointer ctx);

  int nft_ctx_buffer_output(Pointer ctx);

  int nft_ctx_buffer_error(Pointer ctx);

  String nft_ctx_get_output_buffer(Pointer ctx);

  String nft_ctx_get_error_buffer(Pointer ctx);

  void nft_ctx_output_set_flags(Pointer ctx, int flags);

  void nft_ctx_set_dry_run(Pointer ctx, boolean dry);

  int nft_run_cmd_from_buffer(Pointer ctx, @In ByteBuffer buf);

  int nft_run_cmd_from_filename(Pointer ctx, String filename);
}
