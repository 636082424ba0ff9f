/*
 * Thin CNI plugin client of the k8snet node daemon (see dev.k8snet.cni.daemon.CniDaemon for the
 * protocol). Compile with: gcc -O2 -o k8snet-cni-client k8snet-cni-client.c
 * The plugin name is the executable's file name (install one copy or hard link per plugin, e.g.
 * k8snet-bridge), unless built with -DPLUGIN='"k8snet-bridge"'. When the daemon's socket
 * ($K8SNET_CNI_SOCKET, default /run/k8snet/cni.sock) cannot be reached, it runs the standalone
 * plugin instead: FALLBACK if built with -DFALLBACK='"/path"', else ".<plugin>-jvm" in the
 * executable's directory. Without either it prints a CNI error: code 50 for STATUS, 11 otherwise.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

#ifndef PLUGIN
static const char *base_name(const char *p) {
  const char *slash = strrchr(p, '/');
  return slash == NULL ? p : slash + 1;
}
#endif

int main(int argc, char **argv) {
  (void)argc;
#ifdef PLUGIN
  const char *name = PLUGIN;
#else
  const char *name = base_name(argv[0]);
#endif
  const char *path = getenv("K8SNET_CNI_SOCKET");
  if (path == NULL || *path == 0) path = "/run/k8snet/cni.sock";
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    /* No daemon: run the plugin standalone with the untouched stdin. */
    char fallback[PATH_MAX + 300];
#ifdef FALLBACK
    snprintf(fallback, sizeof fallback, "%s", FALLBACK);
#else
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) n = 0;
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (slash != NULL) *slash = 0;
    snprintf(fallback, sizeof fallback, "%s/.%.200s-jvm", self, name);
#endif
    argv[0] = fallback;
    execv(fallback, argv);
    const char *verb = getenv("CNI_COMMAND");
    int status = verb != NULL && strcmp(verb, "STATUS") == 0;
    fprintf(stderr, "k8snet: cannot reach %s and cannot run %s: %s\n", path, fallback, strerror(errno));
    printf("{\"code\":%d,\"msg\":\"k8snet CNI daemon unreachable\",\"details\":\"%s\"}", status ? 50 : 11, path);
    return 1;
  }
  char plugin[256];
  snprintf(plugin, sizeof plugin, "K8SNET_PLUGIN=%.200s", name);
  if (write_all(fd, plugin, strlen(plugin) + 1) < 0) return 1;
  for (char **e = environ; *e != NULL; e++) {
    if (strncmp(*e, "K8SNET_PLUGIN=", 14) == 0) continue;
    if (write_all(fd, *e, strlen(*e) + 1) < 0) return 1;
  }
  if (write_all(fd, "", 1) < 0) return 1;
  char buf[65536];
  for (;;) {
    ssize_t r = read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (write_all(fd, buf, (size_t)r) < 0) return 1;
  }
  shutdown(fd, SHUT_WR);
  /* The answer: "<code> <length>\n" and <length> bytes of stdout. It is printed only when it is
   * complete, so that a daemon dying mid-answer never passes for a short successful result. */
  size_t cap = sizeof buf, have = 0;
  char *answer = malloc(cap);
  if (answer == NULL) return 1;
  for (;;) {
    if (have == cap) {
      char *bigger = realloc(answer, cap * 2);
      if (bigger == NULL) return 1;
      answer = bigger;
      cap *= 2;
    }
    ssize_t r = read(fd, answer + have, cap - have);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    have += (size_t)r;
  }
  char *nl = memchr(answer, '\n', have);
  int code = -1;
  unsigned long length = 0;
  if (nl != NULL) {
    *nl = 0;
    char *end;
    long c = strtol(answer, &end, 10);
    if (end != answer && *end == ' ' && c >= 0 && c <= 255) {
      char *lend;
      length = strtoul(end + 1, &lend, 10);
      if (lend != end + 1 && *lend == 0) code = (int)c;
    }
  }
  if (code < 0 || (size_t)(answer + have - (nl + 1)) != length) {
    printf("{\"code\":11,\"msg\":\"k8snet CNI daemon closed the connection before a complete answer\",\"details\":\"%s\"}", path);
    return 1;
  }
  if (write_all(1, nl + 1, length) < 0) return 1;
  return code;
}
