/*
 * firehose.c - N TCP connections that pipeline without waiting: each writes a request line over
 * and over as fast as the socket takes it, and reads (and counts) replies as fast as they come.
 * The flood of issue 18, finding 4. Loopback only; stops after --seconds.
 *   gcc -O2 -o firehose firehose.c && ./firehose PORT CONNS SECONDS 'REQUEST' [segment]
 * "segment": one request per write() with TCP_NODELAY (one line per segment), else 64 KiB writes.
 * Prints: replies per second over the run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: firehose PORT CONNS SECONDS 'REQUEST' [segment]\n"); return 2; }
    int port = atoi(argv[1]), conns = atoi(argv[2]); double seconds = atof(argv[3]);
    int segment = argc > 5 && strcmp(argv[5], "segment") == 0;
    char line[256]; snprintf(line, sizeof line, "%s\n", argv[4]); size_t len = strlen(line);
    size_t chunk = segment ? len : (65536 / len) * len;
    char *out = malloc(chunk); for (size_t i = 0; i < chunk; i += len) memcpy(out + i, line, len);
    static char in[1 << 16];
    int ep = epoll_create1(0); long long replies = 0;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) }; inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    for (int i = 0; i < conns; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
        if (segment) setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(s, F_SETFL, O_NONBLOCK);
        struct epoll_event e = { .events = EPOLLIN | EPOLLOUT, .data.fd = s }; epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
    }
    double start = now(), end = start + seconds; struct epoll_event ev[64];
    while (now() < end) {
        int n = epoll_wait(ep, ev, 64, 100);
        for (int i = 0; i < n; i++) {
            int s = ev[i].data.fd;
            if (ev[i].events & EPOLLIN) {
                ssize_t r = read(s, in, sizeof in);
                if (r == 0) { fprintf(stderr, "server closed a connection\n"); epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL); close(s); continue; }
                for (ssize_t k = 0; k < r; k++) replies += in[k] == '\n';
            }
            if (ev[i].events & EPOLLOUT) {
                for (int k = 0; k < (segment ? 16 : 1); k++)
                    if (write(s, out, chunk) < 0) break;
            }
        }
    }
    printf("RESULT replies=%lld rps=%.0f\n", replies, replies / (now() - start));
    return 0;
}
