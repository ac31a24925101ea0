/*
 * The decision commands of the ccsim executable: compare, sweep,
 * sensitivity, allocate. Each takes its argv (command name first) and
 * returns an exit status.
 */
#ifndef CCSIM_CLI_DECIDE_H
#define CCSIM_CLI_DECIDE_H

int command_compare(int argc, char **argv);
int command_sweep(int argc, char **argv);
int command_sensitivity(int argc, char **argv);
int command_allocate(int argc, char **argv);

#endif
