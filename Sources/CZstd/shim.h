#ifndef PODHOP_CZSTD_SHIM_H
#define PODHOP_CZSTD_SHIM_H

// libzstd streaming compression. Only the OCI module imports this.
#include <zstd.h>

#endif
