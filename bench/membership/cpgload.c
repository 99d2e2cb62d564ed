/*
 * CPG load generator for the real corosync, for side-by-side figures with
 * Quorate's bench. Joins a group, waits for N members, then multicasts
 * fixed-size messages as fast as flow control allows for D seconds while
 * counting ordered deliveries and the latency of its own messages.
 * Usage: cpgload MEMBERS SIZE SECONDS        Prints one JSON line.
 * Build: cc -O2 -o cpgload cpgload.c -lcpg   (Debian: libcpg-dev)
 */
#include <corosync/cpg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>
#include <unistd.h>

static unsigned long long delivered, delivered_bytes;
static size_t members;
static double *latencies;
static size_t latency_count, latency_max = 1 << 22;
static unsigned int self_nodeid;
static int self_pid;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *g, uint32_t nodeid, uint32_t pid, void *msg, size_t len) {
  (void)h; (void)g;
  delivered++;
  delivered_bytes += len;
  if (nodeid == self_nodeid && (int)pid == self_pid && len >= sizeof(double) && latency_count < latency_max) {
    double sent;
    memcpy(&sent, msg, sizeof sent);
    latencies[latency_count++] = now_us() - sent;
  }
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *g, const struct cpg_address *m, size_t n,
                       const struct cpg_address *l, size_t nl, const struct cpg_address *j, size_t nj) {
  (void)h; (void)g; (void)m; (void)l; (void)nl; (void)j; (void)nj;
  members = n;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: cpgload MEMBERS SIZE SECONDS\n"); return 2; }
  size_t want = (size_t)atoi(argv[1]), size = (size_t)atoi(argv[2]);
  double seconds = atof(argv[3]);
  if (size < sizeof(double)) size = sizeof(double);
  latencies = malloc(latency_max * sizeof(double));
  cpg_callbacks_t callbacks = { .cpg_deliver_fn = on_deliver, .cpg_confchg_fn = on_confchg };
  cpg_handle_t handle;
  if (cpg_initialize(&handle, &callbacks) != CS_OK) { fprintf(stderr, "cpg_initialize failed\n"); return 1; }
  cpg_local_get(handle, &self_nodeid);
  self_pid = getpid();
  struct cpg_name group = { .length = 6 };
  memcpy(group.value, "qbench", 6);
  if (cpg_join(handle, &group) != CS_OK) { fprintf(stderr, "cpg_join failed\n"); return 1; }
  int fd;
  cpg_fd_get(handle, &fd);
  double wait_until = now_us() + 30e6;
  while (members < want && now_us() < wait_until) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    poll(&p, 1, 100);
    cpg_dispatch(handle, CS_DISPATCH_ALL);
  }
  char *buffer = calloc(1, size);
  struct iovec iov = { .iov_base = buffer, .iov_len = size };
  unsigned long long sent = 0;
  delivered = delivered_bytes = 0;
  double start = now_us(), end = start + seconds * 1e6;
  while (now_us() < end) {
    double t = now_us();
    memcpy(buffer, &t, sizeof t);
    cs_error_t rc = cpg_mcast_joined(handle, CPG_TYPE_AGREED, &iov, 1);
    if (rc == CS_OK) sent++;
    cpg_dispatch(handle, CS_DISPATCH_ALL);
    if (rc == CS_ERR_TRY_AGAIN) {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      poll(&p, 1, 1);
    }
  }
  double elapsed = (now_us() - start) / 1e6;
  qsort(latencies, latency_count, sizeof(double), cmp);
  double p50 = latency_count ? latencies[latency_count / 2] : 0, p99 = latency_count ? latencies[latency_count * 99 / 100] : 0;
  printf("{\"sent\":%llu,\"delivered\":%llu,\"seconds\":%.3f,\"deliveries_per_s\":%.0f,\"mb_per_s\":%.2f,\"latency_p50_us\":%.0f,\"latency_p99_us\":%.0f}\n",
         sent, delivered, elapsed, delivered / elapsed, delivered_bytes / elapsed / 1e6, p50, p99);
  cpg_finalize(handle);
  return 0;
}
