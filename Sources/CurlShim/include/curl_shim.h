#ifndef PODHOP_CURL_SHIM_H
#define PODHOP_CURL_SHIM_H

// Typed wrappers around libcurl's variadic setopt/getinfo, so each argument is
// passed with the exact C type curl reads with va_arg (long, curl_off_t,
// pointer, function pointer). Passing a Swift Int where curl expects a long is
// fine on LP64, but curl_off_t and function pointers must match exactly.
#include <curl/curl.h>

// Options taking a long (flags, timeouts in ms, enum values).
CURLcode cs_setopt_long(CURL *handle, CURLoption option, long value);
// Options taking a C string; curl copies the string (since 7.17), so the
// caller's buffer only needs to live for the call.
CURLcode cs_setopt_str(CURL *handle, CURLoption option, const char *value);
// Options taking an arbitrary pointer (callback context, curl_slist, error buffer).
// Curl does NOT copy these: the pointee must outlive the transfer.
CURLcode cs_setopt_ptr(CURL *handle, CURLoption option, void *value);
// Options taking a curl_off_t (INFILESIZE_LARGE, POSTFIELDSIZE_LARGE, ...).
CURLcode cs_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
// *_BLOB options; the bytes are copied by curl (CURL_BLOB_COPY), so the caller
// keeps ownership of `data` and may free it right after the call.
CURLcode cs_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);
// WRITEFUNCTION, HEADERFUNCTION and READFUNCTION share this signature.
CURLcode cs_setopt_data_function(CURL *handle, CURLoption option,
                                 size_t (*function)(char *, size_t, size_t, void *));
// XFERINFOFUNCTION.
CURLcode cs_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback function);
// SEEKFUNCTION.
CURLcode cs_setopt_seek_function(CURL *handle, curl_seek_callback function);

CURLcode cs_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode cs_getinfo_double(CURL *handle, CURLINFO info, double *value);
// The string belongs to the handle and is valid until the next transfer or cleanup.
CURLcode cs_getinfo_string(CURL *handle, CURLINFO info, const char **value);
CURLcode cs_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value);

// curl_multi_setopt with a long argument.
CURLMcode cs_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

// The value curl_global_init wants for the default setup (a macro chain Swift cannot import).
long cs_global_default(void);
// CURL_READFUNC_ABORT and CURL_SEEKFUNC_* as functions (cast macros do not import).
size_t cs_readfunc_abort(void);
int cs_seekfunc_ok(void);
int cs_seekfunc_cantseek(void);

#endif
