#ifndef PODHOP_CZLIB_SHIM_H
#define PODHOP_CZLIB_SHIM_H

// zlib (gzip fallback where ISA-L is unavailable). Only the OCI module imports this.
#include <zlib.h>

// deflateInit2 is a macro around deflateInit2_ that passes the library version and the
// z_stream size; Swift does not import it. windowBits 15 + 16 selects the gzip wrapper.
static inline int podhop_deflate_init_gzip(z_streamp stream, int level) {
  return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
