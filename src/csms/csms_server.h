/* csms_server.h — runs the central system: opens the store, loads the stations, serves HTTP and OCPP
 * WebSocket on one port with libwebsockets on a libev (epoll) loop, and shuts down cleanly on SIGINT or
 * SIGTERM with every submitted job committed. */
#ifndef CSMS_SERVER_H
#define CSMS_SERVER_H

#include "csms_config.h"

/* Returns the process exit code. */
int csms_server_run(const struct csms_config *cfg);

/* Reads the admin token from cfg's token file, creating it (mode 0600) when absent. */
int csms_admin_token(const struct csms_config *cfg, char out[65], int create);

#endif
