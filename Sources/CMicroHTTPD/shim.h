/*
 * shim.h - the part of libmicrohttpd that podhop's HTTPServer module sees.
 *
 * MHD_get_daemon_info and MHD_get_connection_info are variadic, so Swift does
 * not import them; the podhop_ wrappers below call them with fixed arguments.
 * Nothing here allocates: every pointer returned is owned by MHD.
 */
#ifndef PODHOP_CMICROHTTPD_SHIM_H
#define PODHOP_CMICROHTTPD_SHIM_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/* The port the daemon is bound to (useful after binding port 0), or 0. */
static inline uint16_t podhop_daemon_bind_port(struct MHD_Daemon *daemon) {
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info == NULL ? 0 : info->port;
}

/*
 * Writes the client's numeric address ("127.0.0.1", "::1") into buffer, which
 * the caller owns. Returns 0 on success, -1 when MHD has no address or the
 * buffer is too small (buffer then holds an empty string).
 */
static inline int podhop_connection_client_address(
    struct MHD_Connection *connection, char *buffer, size_t length) {
  if (length == 0) return -1;
  buffer[0] = '\0';
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == NULL || info->client_addr == NULL) return -1;
  const struct sockaddr *address = info->client_addr;
  const void *raw = NULL;
  if (address->sa_family == AF_INET) {
    raw = &((const struct sockaddr_in *)address)->sin_addr;
  } else if (address->sa_family == AF_INET6) {
    raw = &((const struct sockaddr_in6 *)address)->sin6_addr;
  } else {
    return -1;
  }
  if (inet_ntop(address->sa_family, raw, buffer, (socklen_t)length) == NULL) {
    buffer[0] = '\0';
    return -1;
  }
  return 0;
}

/*
 * MHD_OPTION_UNESCAPE_CALLBACK: percent-decodes the path and each query
 * argument in place, like MHD's own MHD_http_unescape, except that %00 becomes
 * the byte 0xFF. MHD hands the result over as a C string, where a decoded NUL
 * would silently cut the text short; 0xFF is never valid UTF-8, so the server
 * refuses the request instead. Returns the new length.
 */
static inline size_t podhop_unescape(void *cls, struct MHD_Connection *connection, char *text) {
  (void)cls;
  (void)connection;
  char *read = text, *write = text;
  while (*read != '\0') {
    int high = -1, low = -1;
    if (read[0] == '%' && read[1] != '\0' && read[2] != '\0') {
      char h = read[1], l = read[2];
      high = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
      low = (l >= '0' && l <= '9') ? l - '0' : (l >= 'a' && l <= 'f') ? l - 'a' + 10 : (l >= 'A' && l <= 'F') ? l - 'A' + 10 : -1;
    }
    if (high >= 0 && low >= 0) {
      unsigned char byte = (unsigned char)(high * 16 + low);
      *write++ = (char)(byte == 0 ? 0xFF : byte);
      read += 3;
    } else {
      *write++ = *read++;
    }
  }
  *write = '\0';
  return (size_t)(write - text);
}

#endif /* PODHOP_CMICROHTTPD_SHIM_H */
