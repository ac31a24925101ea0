/*
 * The decision commands of the ccsim executable: compare, sweep,
 * sensitivity, allocate. Each takes its argv (command name first) and
 * returns an exit status; every process of CLUSTER runs it, sharing the work.
 */
#ifndef CCSIM_CLI_DECIDE_H
#define CCSIM_CLI_DECIDE_H

#include "cluster.h"

int command_compare(int argc, char **argv, struct cluster *cluster);
int command_sweep(int argc, char **argv, struct cluster *cluster);
int command_sensitivity(int argc, char **argv, struct cluster *cluster);
int command_allocate(int argc, char **argv, struct cluster *cluster);

#endif
