#include "curl_shim.h"

CURLcode cs_setopt_long(CURL *handle, CURLoption option, long value) {
  return curl_easy_setopt(handle, option, value);
}

CURLcode cs_setopt_str(CURL *handle, CURLoption option, const char *value) {
  return curl_easy_setopt(handle, option, value);
}

CURLcode cs_setopt_ptr(CURL *handle, CURLoption option, void *value) {
  return curl_easy_setopt(handle, option, value);
}

CURLcode cs_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
  return curl_easy_setopt(handle, option, value);
}

CURLcode cs_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length) {
  struct curl_blob blob;
  blob.data = (void *)data;
  blob.len = length;
  blob.flags = CURL_BLOB_COPY;
  return curl_easy_setopt(handle, option, &blob);
}

CURLcode cs_setopt_data_function(CURL *handle, CURLoption option,
                                 size_t (*function)(char *, size_t, size_t, void *)) {
  return curl_easy_setopt(handle, option, function);
}

CURLcode cs_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback function) {
  return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, function);
}

CURLcode cs_setopt_seek_function(CURL *handle, curl_seek_callback function) {
  return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, function);
}

CURLcode cs_getinfo_long(CURL *handle, CURLINFO info, long *value) {
  return curl_easy_getinfo(handle, info, value);
}

CURLcode cs_getinfo_double(CURL *handle, CURLINFO info, double *value) {
  return curl_easy_getinfo(handle, info, value);
}

CURLcode cs_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
  return curl_easy_getinfo(handle, info, value);
}

CURLcode cs_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) {
  return curl_easy_getinfo(handle, info, value);
}

CURLMcode cs_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
  return curl_multi_setopt(multi, option, value);
}

long cs_global_default(void) { return CURL_GLOBAL_DEFAULT; }
size_t cs_readfunc_abort(void) { return CURL_READFUNC_ABORT; }
int cs_seekfunc_ok(void) { return CURL_SEEKFUNC_OK; }
int cs_seekfunc_cantseek(void) { return CURL_SEEKFUNC_CANTSEEK; }
