/* wl_log.h — leveled logging to stderr for both programs: one line per event, with a UTC timestamp,
 * the level and the module; optionally also to a file with size-based rotation. Thread-safe (one
 * write(2) per line; the file sink under a mutex). */
#ifndef WL_LOG_H
#define WL_LOG_H

enum wl_log_level { WL_LOG_ERROR, WL_LOG_WARN, WL_LOG_INFO, WL_LOG_DEBUG };

/* Lines above this level are dropped. Default: WL_LOG_INFO. */
void wl_log_set_level(enum wl_log_level level);
enum wl_log_level wl_log_get_level(void);
/* "error", "warn", "info", "debug" -> level; -1 when unknown. */
int wl_log_level_parse(const char *name);

/* Also writes every line to path (appended, mode 0600), renamed to path.1 .. path.<keep> once it grows past
 * max_bytes (path.<keep> is dropped). Returns 0, or -1 with errno (stderr logging goes on). */
int wl_log_open_file(const char *path, long max_bytes, int keep);
void wl_log_close_file(void);

void wl_log(enum wl_log_level level, const char *module, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define WL_ERROR(mod, ...) wl_log(WL_LOG_ERROR, mod, __VA_ARGS__)
#define WL_WARN(mod, ...)  wl_log(WL_LOG_WARN, mod, __VA_ARGS__)
#define WL_INFO(mod, ...)  wl_log(WL_LOG_INFO, mod, __VA_ARGS__)
#define WL_DEBUG(mod, ...)                                                                                             \
	do {                                                                                                           \
		if (wl_log_get_level() >= WL_LOG_DEBUG)                                                                \
			wl_log(WL_LOG_DEBUG, mod, __VA_ARGS__);                                                        \
	} while (0)

#endif
