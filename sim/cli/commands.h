/*
 * commands: the commands of the ccsim executable, one file each. A command
 * takes its argv (its name first), parses it, builds and runs its study and
 * hands the result to the writers; it returns the exit status. Every
 * process of CLUSTER runs it, sharing the work.
 */
#ifndef CCSIM_COMMANDS_H
#define CCSIM_COMMANDS_H

#include "cluster.h"

int command_run(int argc, char **argv, struct cluster *cluster);
int command_check(int argc, char **argv, struct cluster *cluster);
int command_compare(int argc, char **argv, struct cluster *cluster);
int command_sweep(int argc, char **argv, struct cluster *cluster);
int command_sensitivity(int argc, char **argv, struct cluster *cluster);
int command_allocate(int argc, char **argv, struct cluster *cluster);
int command_solve(int argc, char **argv, struct cluster *cluster);
int command_optimize(int argc, char **argv, struct cluster *cluster);
int command_report(int argc, char **argv, struct cluster *cluster);
int command_plugins(int argc, char **argv, struct cluster *cluster);
int command_calibrate(int argc, char **argv, struct cluster *cluster);
int command_ledger(int argc, char **argv, struct cluster *cluster);

#endif
