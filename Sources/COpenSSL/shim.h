#ifndef PODHOP_COPENSSL_SHIM_H
#define PODHOP_COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>

#endif
