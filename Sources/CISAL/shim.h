#ifndef PODHOP_CISAL_SHIM_H
#define PODHOP_CISAL_SHIM_H

// Intel ISA-L igzip (gzip level 1 compression). Only the OCI module imports this.
#include <stdint.h>
#include <isa-l/igzip_lib.h>

// ISAL_DEF_LVL1_* is a macro chain Swift does not import; this is the size of the level-1
// working buffer the caller must allocate and point `level_buf` at (the "default", 64 Ki tokens).
static inline uint32_t podhop_isal_def_lvl1_default(void) { return ISAL_DEF_LVL1_DEFAULT; }

// IGZIP_GZIP / COMP_OK / ZSTATE_END re-exported with fixed types for Swift.
static inline uint16_t podhop_isal_gzip_flag(void) { return IGZIP_GZIP; }
static inline int podhop_isal_comp_ok(void) { return COMP_OK; }
static inline int podhop_isal_is_stream_end(const struct isal_zstream *stream) {
  return stream->internal_state.state == ZSTATE_END;
}

#endif
