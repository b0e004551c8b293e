/* wl_log.c — leveled logging to stderr: "2026-11-20T10:00:00.123Z warn  store: message". */
#include "wl_log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile int log_level = WL_LOG_INFO;
static const char *const level_names[] = {"error", "warn", "info", "debug"};

void wl_log_set_level(enum wl_log_level level)
{
	log_level = (int)level;
}

enum wl_log_level wl_log_get_level(void)
{
	return (enum wl_log_level)log_level;
}

/* the optional file sink */
static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER;
static int file_fd = -1;
static char file_path[512];
static long file_size, file_max;
static int file_keep;

int wl_log_open_file(const char *path, long max_bytes, int keep)
{
	struct stat sb;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	pthread_mutex_lock(&file_lock);
	if (file_fd >= 0)
		close(file_fd);
	file_fd = fd;
	snprintf(file_path, sizeof(file_path), "%s", path);
	file_size = fstat(fd, &sb) == 0 ? (long)sb.st_size : 0;
	file_max = max_bytes;
	file_keep = keep < 1 ? 1 : keep;
	pthread_mutex_unlock(&file_lock);
	return 0;
}

void wl_log_close_file(void)
{
	pthread_mutex_lock(&file_lock);
	if (file_fd >= 0)
		close(file_fd);
	file_fd = -1;
	pthread_mutex_unlock(&file_lock);
}

/* Under file_lock: path.<keep-1> -> path.<keep>, ..., path -> path.1, then a new path. */
static void rotate(void)
{
	char from[530], to[530];
	for (int i = file_keep - 1; i >= 0; i--) {
		if (i)
			snprintf(from, sizeof(from), "%s.%d", file_path, i);
		else
			snprintf(from, sizeof(from), "%s", file_path);
		snprintf(to, sizeof(to), "%s.%d", file_path, i + 1);
		if (rename(from, to) < 0 && errno != ENOENT)
			break;
	}
	int fd = open(file_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(file_fd);
		file_fd = fd;
		file_size = 0;
	}
}

static void write_file(const char *line, size_t len)
{
	pthread_mutex_lock(&file_lock);
	if (file_fd >= 0) {
		if (file_max > 0 && file_size + (long)len > file_max)
			rotate();
		ssize_t w = write(file_fd, line, len);
		if (w > 0)
			file_size += (long)w;
	}
	pthread_mutex_unlock(&file_lock);
}

int wl_log_level_parse(const char *name)
{
	for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

void wl_log(enum wl_log_level level, const char *module, const char *fmt, ...)
{
	if ((int)level > log_level)
		return;
	char line[1024];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s: ", tm.tm_year + 1900,
	                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L,
	                 level_names[level], module);
	if (n < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2; /* truncated: keep the newline */
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
	write_file(line, len);
}
