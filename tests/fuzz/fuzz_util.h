/* fuzz_util: helpers shared by the libFuzzer targets in tests/fuzz/ (not a module).
 * Readers that only take a path get the input through one memfd per process, reached
 * as /proc/self/fd/N: no temporary files, nothing left behind after a crash. */
#ifndef NFSITE_FUZZ_UTIL_H
#define NFSITE_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Replaces the memfd's contents with data and returns its path (static storage). */
static inline const char *fuzz_memfd_path(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("nfsite-fuzz", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0) {
		perror("ftruncate");
		abort();
	}
	size_t off = 0;
	while (off < size) {
		ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);
		if (n <= 0) {
			perror("pwrite");
			abort();
		}
		off += (size_t)n;
	}
	return path;
}

#endif
