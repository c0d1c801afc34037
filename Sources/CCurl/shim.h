#ifndef PODHOP_CCURL_SHIM_H
#define PODHOP_CCURL_SHIM_H

// libcurl (OpenSSL backend). Imported only by CurlShim and the HTTPClient module.
// The variadic curl_easy_setopt / curl_easy_getinfo are wrapped with typed
// functions in the CurlShim target, because Swift does not import variadic C functions.
#include <curl/curl.h>

#endif
