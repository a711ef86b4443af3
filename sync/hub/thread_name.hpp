// Names the calling thread as `top -H`, perf and /proc/PID/task/TID/comm
// show it ("hub-io", "hub-worker", "hub-writer", ...): how the bench tells
// where the hub's CPU went, and how a technician reads a busy hub. At most
// 15 characters. The main thread keeps the program's name, which pgrep and
// systemd see.
#pragma once

#include <pthread.h>

namespace guichet::hub {

inline void name_this_thread(char const* name)
{
    pthread_setname_np(pthread_self(), name);
}

}
