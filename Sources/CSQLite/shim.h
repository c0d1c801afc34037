#ifndef PODHOP_CSQLITE_SHIM_H
#define PODHOP_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro ((sqlite3_destructor_type)-1) and is not
// imported into Swift. This wrapper gives the SQLite module a typed value:
// it tells SQLite to copy bound text and blobs before the bind call returns,
// so Swift buffers only need to live for the duration of that call.
static inline sqlite3_destructor_type podhop_sqlite_transient(void) {
  return SQLITE_TRANSIENT;
}

#endif
