/* ccsim plugins: the policy plugins found, with their parameters. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "plugin.h"
#include "i18n.h"

static const char *const plugins_usage =
	N_("Usage: ccsim plugins\n"
	"\n"
	"Lists every policy plugin found, with its description, parameters and\n"
	"defaults, and its hooks. Plugins are looked for in $CCSIM_PLUGIN_PATH\n"
	"(colon-separated directories), then in the installed plugins directory;\n"
	"a scenario's own directory comes first for the commands that run one.\n");

int command_plugins(int argc, char **argv, struct cluster *cluster)
{
	struct cli_options o;
	int status = cli_parse(argc, argv, "plugins", plugins_usage, NULL, NULL, NULL, NULL, &o,
			       cluster);
	if (status != EXIT_OK)
		return status < 0 ? EXIT_OK : status;
	if (optind != argc)
		return cli_usage_error("plugins", _("takes no arguments"));
	struct plugin_path path;
	plugin_path_init(&path, NULL);
	int failures = plugin_list(&path, stdout, stderr);
	plugin_path_free(&path);
	return failures ? EXIT_PLUGIN : EXIT_OK;
}
