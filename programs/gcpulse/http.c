/*
 * http.c — a small HTTP/1.0-style server for GET /metrics and /healthz,
 * driven by the sidecar's poll() loop.  Bounded: at most SC_HTTP_CLIENTS
 * connections, a request of at most 4 KiB that must arrive within 5 s,
 * one response per connection (Connection: close), written with a send
 * timeout.  Anything else gets 400/404/405 or is dropped.  A connection
 * arriving while all slots are held is never refused: the requests already
 * complete are answered, then the oldest connection that sent nothing (else
 * the oldest) is closed to make room, so idle sockets cannot starve
 * /healthz.
 */
#include "sidecar.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define SC_HTTP_CLIENTS 16
#define SC_HTTP_REQ 4096

typedef struct client {
  int fd;
  size_t len;
  double deadline;
  char req[SC_HTTP_REQ];
} client;

struct sc_http {
  int lfd;
  client c[SC_HTTP_CLIENTS];
};

sc_http *sc_http_open(const char *hostport) {
  const char *colon = strrchr(hostport, ':');
  if (colon == NULL || colon[1] == '\0')
    sc_die("--listen %s: expected HOST:PORT (e.g. 127.0.0.1:9464 or :9464)", hostport);
  char host[256];
  size_t hl = (size_t)(colon - hostport);
  if (hl >= sizeof host) sc_die("--listen %s: host too long", hostport);
  memcpy(host, hostport, hl);
  host[hl] = '\0';
  if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') { /* [::1]:9464 */
    memmove(host, host + 1, hl - 2);
    host[hl - 2] = '\0';
  }
  /* getaddrinfo takes a number above 65535 modulo 65536, and port 0 is a
   * random one nobody could scrape: refuse both */
  char *end;
  errno = 0;
  long port = strtol(colon + 1, &end, 10);
  if (*end || errno || port < 1 || port > 65535 || !(colon[1] >= '0' && colon[1] <= '9'))
    sc_die("--listen %s: the port must be a number from 1 to 65535", hostport);
  struct addrinfo hints, *ai = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai);
  if (rc != 0) sc_die("--listen %s: %s", hostport, gai_strerror(rc));
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) sc_die("--listen %s: socket: %s", hostport, strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 16) != 0) {
    int e = errno;
    freeaddrinfo(ai);
    sc_die("--listen %s: cannot listen: %s", hostport, strerror(e));
  }
  freeaddrinfo(ai);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  sc_http *h = calloc(1, sizeof *h);
  if (h == NULL) sc_die("out of memory");
  h->lfd = fd;
  for (int i = 0; i < SC_HTTP_CLIENTS; i++) h->c[i].fd = -1;
  return h;
}

int sc_http_pollfds(const sc_http *h, void *pollfds, int max) {
  struct pollfd *p = pollfds;
  int n = 0;
  if (h == NULL) return 0;
  if (n < max) p[n++] = (struct pollfd){h->lfd, POLLIN, 0};
  for (int i = 0; i < SC_HTTP_CLIENTS && n < max; i++)
    if (h->c[i].fd >= 0) p[n++] = (struct pollfd){h->c[i].fd, POLLIN, 0};
  return n;
}

static void drop(client *c) {
  close(c->fd);
  c->fd = -1;
  c->len = 0;
}

static void send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return; /* timeout or peer gone: give up */
    p += w;
    n -= (size_t)w;
  }
}

static void respond(client *c, int code, const char *type, const char *body,
                    size_t blen, int head) {
  const char *text = code == 200 ? "OK" : code == 404 ? "Not Found"
                   : code == 405 ? "Method Not Allowed" : code == 500 ? "Internal Server Error"
                   : "Bad Request";
  char hdr[256];
  int n = snprintf(hdr, sizeof hdr,
                   "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n\r\n",
                   code, text, type, blen);
  /* the answer is written blocking, bounded by a 2 s send timeout */
  fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
  struct timeval tv = {2, 0};
  setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  send_all(c->fd, hdr, (size_t)n);
  if (!head) send_all(c->fd, body, blen);
  drop(c);
}

static void answer(client *c, sc_app *app) {
  char method[8], path[256];
  if (sscanf(c->req, "%7s %255s", method, path) != 2) {
    respond(c, 400, "text/plain", "bad request\n", 12, 0);
    return;
  }
  int head = strcmp(method, "HEAD") == 0;
  if (!head && strcmp(method, "GET") != 0) {
    respond(c, 405, "text/plain", "only GET\n", 9, 0);
    return;
  }
  char *q = strchr(path, '?');
  if (q) *q = '\0';
  if (strcmp(path, "/metrics") == 0) {
    size_t n;
    char *text = sc_prom_render(app, &n);
    if (text == NULL)
      respond(c, 500, "text/plain", "out of memory\n", 14, head);
    else
      respond(c, 200, "text/plain; version=0.0.4; charset=utf-8", text, n, head);
    free(text);
  } else if (strcmp(path, "/healthz") == 0) {
    /* the sidecar is healthy while it runs; the body says the source's state */
    const char *b = app->up ? "ok: source up\n" : "ok: source lost\n";
    respond(c, 200, "text/plain", b, strlen(b), head);
  } else {
    respond(c, 404, "text/plain", "try /metrics or /healthz\n", 25, head);
  }
}

/* Read what C sent; answer it once complete, drop it when it overran its
 * deadline or the peer went away. */
static void step(client *c, sc_app *app, double now) {
  ssize_t r = recv(c->fd, c->req + c->len, sizeof c->req - 1 - c->len, 0);
  if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    drop(c);
    return;
  }
  if (r > 0) c->len += (size_t)r;
  c->req[c->len] = '\0';
  if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
    answer(c, app);
  else if (c->len == sizeof c->req - 1)
    respond(c, 400, "text/plain", "request too large\n", 18, 0);
  else if (now > c->deadline)
    drop(c);
}

/* A free slot for a new connection, made if need be: answer what is
 * complete, then close the oldest silent connection, else the oldest. */
static client *slot(sc_http *h, sc_app *app, double now) {
  client *victim = NULL;
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < SC_HTTP_CLIENTS; i++)
      if (h->c[i].fd < 0) return &h->c[i];
    if (pass == 0)
      for (int i = 0; i < SC_HTTP_CLIENTS; i++) step(&h->c[i], app, now);
  }
  for (int i = 0; i < SC_HTTP_CLIENTS; i++) {
    client *c = &h->c[i];
    int silent = c->len == 0, vsilent = victim && victim->len == 0;
    if (victim == NULL || silent > vsilent ||
        (silent == vsilent && c->deadline < victim->deadline))
      victim = c;
  }
  drop(victim);
  return victim;
}

void sc_http_serve(sc_http *h, sc_app *app) {
  if (h == NULL) return;
  double now = sc_mono();
  for (;;) { /* accept what is pending */
    int fd = accept(h->lfd, NULL, NULL);
    if (fd < 0) break;
    client *c = slot(h, app, now);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC); /* not inherited by run's child */
    c->fd = fd;
    c->len = 0;
    c->deadline = now + 5.0;
  }
  for (int i = 0; i < SC_HTTP_CLIENTS; i++)
    if (h->c[i].fd >= 0) step(&h->c[i], app, now);
}

void sc_http_close(sc_http *h) {
  if (h == NULL) return;
  for (int i = 0; i < SC_HTTP_CLIENTS; i++)
    if (h->c[i].fd >= 0) drop(&h->c[i]);
  close(h->lfd);
  free(h);
}
