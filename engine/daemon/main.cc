// routerd: routing daemon for multimedia contact centers.
#include "engine/daemon/daemon.h"

int main(int argc, char** argv) { return routerd::daemon::Main(argc, argv); }
