/*
 * The schema: every scenario key once, with its type, range, default, who
 * may set it and where it is stored (docs/model.md 2.5).
 */
#include "scenario_int.h"
#include "ccsim_limits.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define INF INFINITY
#define REQ SCENARIO_KEY_REQUIRED
#define SET SCENARIO_KEY_SET
#define SETUP SCENARIO_KEY_SETUP
#define WEEK SCENARIO_KEY_WEEK
#define UNC SCENARIO_KEY_UNCERTAIN
#define PER_CELL SCENARIO_KEY_CELL
#define DEF SCENARIO_KEY_DEFAULT

#define T(x) SCENARIO_TYPE_##x
#define R(x) SCENARIO_RECORD_##x
#define S(x) SCENARIO_STORE_##x

/* Keys without a number's rule or storage. */
#define SECTION(path, type, flags, desc) \
	{path, T(type), R(ROOT), flags, {NULL, 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0, NULL, desc}
/* A number: NAME, INTEGER, LO, HI, LO_OPEN, HI_OPEN, then FALLBACK. */
#define NUMBER(path, type, record, flags, name, integer, lo, hi, lo_open, fallback, storage, offset, desc) \
	{path, T(type), R(record), flags, {name, integer, lo, hi, lo_open, 0}, fallback, S(storage), \
	 offset, NULL, desc}
#define ROOT_AT(member) offsetof(struct scenario, member)

static const struct scenario_key schema[] = {
	{"version", T(INTEGER), R(ROOT), REQ, {"version", 1, -INF, INF, 0, 0}, 0.0, S(NONE), 0, "1|2",
	 "The model version the file is written for."},
	{"name", T(STRING), R(ROOT), 0, {"name", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "The scenario's name in reports (default: the file's base name)."},

	SECTION("run", GROUP, 0, "Defaults for the command line's --reps and --seed."),
	NUMBER("run.replications", INTEGER, ROOT, 0, "replications", 1, 1.0, 9007199254740992.0, 0, 1.0,
	       NONE, 0, "Replications to run when --reps is not given."),
	NUMBER("run.seed", INTEGER, ROOT, 0, "seed", 1, 0.0, 9223372036854775807.0, 0, 0.0, NONE, 0,
	       "The random seed when --seed is not given."),

	SECTION("campaign", GROUP, REQ, "The weeks from now to the end of the inspection window."),
	NUMBER("campaign.weeks", INTEGER, ROOT, REQ | SET, "weeks", 1, 1.0, LIMIT_WEEKS, 0, 0.0, INT,
	       ROOT_AT(weeks), "T, the weeks simulated."),

	SECTION("inspection", GROUP, REQ, "When the field inspection comes."),
	{"inspection.window", T(INTEGERS), R(ROOT), REQ, {"window", 1, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "[a, b]: the inspection falls in a week drawn from a..b, 1 <= a <= b <= weeks."},
	NUMBER("inspection.batches", INTEGER, ROOT, REQ | SET, "batches", 1, 1.0, LIMIT_BATCHES, 0, 0.0,
	       INT, ROOT_AT(batches), "B, inspection batches, each in its own drawn week."),

	SECTION("categories", LIST, REQ, "The kinds of site inspected (at least one; unique names)."),
	{"categories.*.name", T(STRING), R(CATEGORY), REQ, {"name", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "The category's name, as districts and paths use it."},
	NUMBER("categories.*.weight", REAL, CATEGORY, REQ | SET | SETUP, "weight", 0, 0.0, INF, 0, 0.0,
	       DOUBLE, offsetof(struct category, weight), "Field points the category carries."),
	NUMBER("categories.*.deduction", REAL, CATEGORY, REQ | SET | SETUP | UNC, "deduction", 0, 0.0, 1.0,
	       0, 0.0, DOUBLE, offsetof(struct category, deduction),
	       "Share of a site's score lost per problem found there."),
	NUMBER("categories.*.lottery", INTEGER, CATEGORY, DEF | SET | SETUP, "lottery", 1, 0.0, LIMIT_DRAW,
	       0, 0.0, INT64, offsetof(struct category, lottery),
	       "k, declared sites drawn by lottery per batch."),
	NUMBER("categories.*.random_view", INTEGER, CATEGORY, DEF | SET | SETUP, "random_view", 1, 0.0,
	       LIMIT_DRAW, 0, 0.0, INT64, offsetof(struct category, random_view),
	       "m, undeclared sites the inspectors choose per batch."),
	NUMBER("categories.*.prepared", REAL, CATEGORY, DEF | SET | SETUP | UNC, "prepared", 0, 0.0, 1.0, 0,
	       1.0, DOUBLE, offsetof(struct category, prepared),
	       "Factor on the problems found at declared sites."),

	SECTION("defaults", GROUP, 0, "Per-category parameters every district takes unless it gives its own."),

	SECTION("districts", LIST, REQ, "The city's districts (at least one; unique names)."),
	{"districts.*.name", T(STRING), R(DISTRICT), REQ, {"name", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "The district's name, as policies and paths use it."},
	NUMBER("districts.*.population", REAL, DISTRICT, REQ | SET | SETUP | UNC, "population", 0, 0.0,
	       LIMIT_COUNT, 1, 1.0, DOUBLE, offsetof(struct district, population),
	       "Residents: the survey's respondents are shared by population."),
	NUMBER("districts.*.satisfaction", REAL, DISTRICT, REQ | SET | SETUP | UNC, "satisfaction", 0, 0.0,
	       1.0, 0, 0.5, DOUBLE, offsetof(struct district, satisfaction),
	       "s, the expected share of satisfied respondents."),
	NUMBER("districts.*.satisfaction_concentration", REAL, DISTRICT, DEF | SET | SETUP | UNC,
	       "satisfaction_concentration", 0, 0.0, INF, 0, 0.0, DOUBLE,
	       offsetof(struct district, satisfaction_concentration),
	       "kappa of theta ~ Beta(s kappa, (1 - s) kappa); 0: theta is exactly s."),
	NUMBER("districts.*.sites", INTEGER, CELL, REQ | PER_CELL | SET | SETUP, "sites", 1, 1.0, LIMIT_COUNT,
	       0, 0.0, INT64, offsetof(struct cell, sites), "N, sites of the category in the district."),
	NUMBER("districts.*.declared", INTEGER, CELL, REQ | PER_CELL | SET | SETUP, "declared", 1, 0.0,
	       LIMIT_COUNT, 0, 0.0, INT64, offsetof(struct cell, declared),
	       "n, of them declared for the lottery (n <= N)."),
	NUMBER("districts.*.problems", INTEGER, CELL, REQ | PER_CELL | SET | SETUP | UNC, "problems", 1, 0.0,
	       LIMIT_COUNT, 0, 0.0, INT64, offsetof(struct cell, problems), "O0, open problems now."),
	NUMBER("districts.*.new_per_week", REAL, CELL, REQ | PER_CELL | SET | SETUP | WEEK | UNC, "new_per_week",
	       0, 0.0, LIMIT_COUNT, 0, 0.0, DOUBLE, offsetof(struct cell, new_per_week),
	       "lambda, mean new problems a week."),
	NUMBER("districts.*.rectify_rate", REAL, CELL, REQ | PER_CELL | SET | SETUP | WEEK | UNC, "rectify_rate",
	       0, 0.0, 1.0, 0, 0.0, DOUBLE, offsetof(struct cell, rectify_rate),
	       "r, the chance an open problem is rectified in a week."),
	NUMBER("districts.*.rebound", REAL, CELL, REQ | PER_CELL | SET | SETUP | WEEK | UNC, "rebound", 0, 0.0,
	       1.0, 0, 0.0, DOUBLE, offsetof(struct cell, rebound),
	       "rho, the chance last week's fix comes back."),

	SECTION("materials", LIST, 0, "Online-reported materials (absent: none)."),
	{"materials.*.name", T(STRING), R(MATERIAL), REQ, {"name", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "The material's name."},
	NUMBER("materials.*.items", INTEGER, MATERIAL, REQ | SET | SETUP, "items", 1, 0.0, LIMIT_COUNT, 0,
	       0.0, INT64, offsetof(struct material, items), "Items reported."),
	NUMBER("materials.*.points", REAL, MATERIAL, REQ | SET | SETUP, "points", 0, 0.0, INF, 0, 0.0,
	       DOUBLE, offsetof(struct material, points), "Points per item kept."),
	NUMBER("materials.*.loss_probability", REAL, MATERIAL, REQ | SET | SETUP | UNC, "loss_probability",
	       0, 0.0, 1.0, 0, 0.0, DOUBLE, offsetof(struct material, loss_probability),
	       "The chance an item is lost."),

	SECTION("survey", GROUP, REQ, "The questionnaire survey."),
	NUMBER("survey.respondents", INTEGER, ROOT, REQ | SET | SETUP | UNC, "respondents", 1, 1.0,
	       LIMIT_COUNT, 0, 1.0, INT64, ROOT_AT(survey.respondents),
	       "Respondents in all, shared among districts by population."),
	NUMBER("survey.weight", REAL, ROOT, REQ | SET | SETUP, "weight", 0, 0.0, INF, 0, 0.0, DOUBLE,
	       ROOT_AT(survey.weight), "Points of a fully satisfied survey."),
	NUMBER("survey.veto_below", REAL, ROOT, DEF | SET | SETUP | UNC, "veto_below", 0, 0.0, 100.0, 0,
	       0.0, DOUBLE, ROOT_AT(survey.veto_below),
	       "A satisfaction (percent) below this vetoes; 0: no veto."),

	SECTION("overall", GROUP, 0, "The inspectors' overall impression (absent: weight 0)."),
	NUMBER("overall.weight", REAL, ROOT, REQ | SET | SETUP, "weight", 0, 0.0, INF, 0, 0.0, DOUBLE,
	       ROOT_AT(overall.weight), "Points of the overall impression."),
	NUMBER("overall.noise_sd", REAL, ROOT, REQ | SET | SETUP | UNC, "noise_sd", 0, 0.0, INF, 0, 0.0,
	       DOUBLE, ROOT_AT(overall.noise_sd), "sd of the impression's noise around the field share."),
	NUMBER("overall.mean", REAL, ROOT, DEF | SET | SETUP, "mean", 0, -1.0, 1.0, 0, 0.0, DOUBLE,
	       ROOT_AT(overall.mean), "Mean of that noise: how far the impression sits above the field share (a city's atmosphere)."),

	SECTION("negative_list", LIST, 0, "Events that deduct points or veto (absent: none)."),
	{"negative_list.*.name", T(STRING), R(NEGATIVE), REQ, {"name", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "The event's name."},
	NUMBER("negative_list.*.probability", REAL, NEGATIVE, REQ | SET | SETUP | UNC, "probability", 0, 0.0,
	       1.0, 0, 0.0, DOUBLE, offsetof(struct negative_event, probability),
	       "The chance the event happens."),
	NUMBER("negative_list.*.deduct", REAL, NEGATIVE, DEF | SET | SETUP, "deduct", 0, 0.0, INF, 0, 0.0,
	       DOUBLE, offsetof(struct negative_event, deduct), "Points it deducts."),
	{"negative_list.*.veto", T(BOOLEAN), R(NEGATIVE), DEF | SETUP, {"veto", 0, 0.0, 1.0, 0, 0}, 0.0,
	 S(BOOL), offsetof(struct negative_event, veto), NULL, "true: the event vetoes the title."},

	SECTION("bonus", GROUP, 0, "Bonus points for national honours (absent: none)."),
	NUMBER("bonus.cap", REAL, ROOT, REQ | SET | SETUP, "cap", 0, 0.0, INF, 0, 0.0, DOUBLE,
	       ROOT_AT(bonus.cap), "The most bonus points counted."),
	SECTION("bonus.honors", LIST, 0, "The honours that may be won."),
	{"bonus.honors.*.name", T(STRING), R(HONOR), REQ, {"name", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "The honour's name."},
	NUMBER("bonus.honors.*.probability", REAL, HONOR, REQ | SET | SETUP | UNC, "probability", 0, 0.0,
	       1.0, 0, 0.0, DOUBLE, offsetof(struct honor, probability), "The chance it is won."),
	NUMBER("bonus.honors.*.points", REAL, HONOR, REQ | SET | SETUP, "points", 0, 0.0, INF, 0, 0.0,
	       DOUBLE, offsetof(struct honor, points), "Points it brings."),

	SECTION("minors", GROUP, 0, "The minors' moral-education test (absent: none)."),
	NUMBER("minors.mean", REAL, ROOT, REQ | SET | UNC, "mean", 0, 0.0, 100.0, 0, 0.0, DOUBLE,
	       ROOT_AT(minors.mean), "The test's mean score."),
	NUMBER("minors.sd", REAL, ROOT, REQ | SET | UNC, "sd", 0, 0.0, INF, 0, 0.0, DOUBLE,
	       ROOT_AT(minors.sd), "Its standard deviation."),
	NUMBER("minors.weight", REAL, ROOT, REQ | SET, "weight", 0, 0.0, 1.0, 0, 0.0, DOUBLE,
	       ROOT_AT(minors.weight), "w: Year = (1 - w) City + w Minors."),
	NUMBER("minors.minimum", REAL, ROOT, REQ | SET | UNC, "minimum", 0, 0.0, 100.0, 0, 0.0, DOUBLE,
	       ROOT_AT(minors.minimum), "A score below this vetoes."),

	SECTION("history", GROUP, 0, "Past years' scores in the three-year total (absent: none)."),
	{"history.scores", T(REALS), R(ROOT), REQ, {"", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "Past annual scores."},
	{"history.weights", T(REALS), R(ROOT), REQ, {"weights", 0, 0.0, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "One weight per past score."},
	NUMBER("history.current_weight", REAL, ROOT, REQ | SET, "current_weight", 0, 0.0, INF, 0, 1.0,
	       DOUBLE, ROOT_AT(history.current_weight),
	       "The current year's weight; with the weights it sums to 1."),

	SECTION("pass", GROUP, REQ, "How the title is won."),
	{"pass.rule", T(STRING), R(ROOT), REQ, {"rule", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 "threshold|competition", "\"threshold\": a score to reach; \"competition\": slots among rivals."},
	NUMBER("pass.threshold", REAL, ROOT, SET | UNC, "threshold", 0, -INF, INF, 0, 0.0, DOUBLE,
	       ROOT_AT(pass.threshold), "The total to reach (rule threshold: required)."),
	{"pass.bands", T(REALS), R(ROOT), 0, {"", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "Scores on the annual score whose probabilities of falling below are reported."},
	NUMBER("pass.slots", INTEGER, ROOT, SET, "slots", 1, 1.0, LIMIT_COUNT, 0, 1.0, INT64,
	       ROOT_AT(pass.slots), "Titles available (rule competition: required)."),
	SECTION("pass.competitors", LIST, 0, "Rival cities (rule competition: at least one)."),
	{"pass.competitors.*.name", T(STRING), R(COMPETITOR), REQ, {"name", 0, -INF, INF, 0, 0}, 0.0,
	 S(NONE), 0, NULL, "The rival's name."},
	NUMBER("pass.competitors.*.mean", REAL, COMPETITOR, REQ | SET | UNC, "mean", 0, -INF, INF, 0, 0.0,
	       DOUBLE, offsetof(struct competitor, mean), "The rival's mean total."),
	NUMBER("pass.competitors.*.sd", REAL, COMPETITOR, REQ | SET | UNC, "sd", 0, 0.0, INF, 0, 0.0,
	       DOUBLE, offsetof(struct competitor, sd), "Its standard deviation."),

	SECTION("ranking", GROUP, 0, "How the office ranks its districts (absent: per site, the last one)."),
	{"ranking.by", T(STRING), R(ROOT), DEF, {"by", 0, -INF, INF, 0, 0}, 0.0, S(CHOICE),
	 ROOT_AT(ranking.by), "per_site|points_lost",
	 "\"per_site\": field points lost per inspected site; \"points_lost\": in all."},
	NUMBER("ranking.bottom", INTEGER, ROOT, DEF | SET, "bottom", 1, 1.0, LIMIT_COUNT, 0, 1.0, INT64,
	       ROOT_AT(ranking.bottom), "k: the chance of ranking among the k worst is reported."),

	SECTION("policies", LIST, 0, "Policy plugins applied (absent: none)."),
	{"policies.*.plugin", T(STRING), R(POLICY), REQ, {"plugin", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "The plugin's name: plugins/NAME.lua."},
	{"policies.*.districts", T(STRINGS), R(POLICY), 0, {"districts", 0, -INF, INF, 0, 0}, 0.0, S(NONE),
	 0, NULL, "The districts it applies to (absent: all)."},
	SECTION("policies.*.params", GROUP, 0, "Parameters overriding the plugin's defaults."),
	{"policies.*.params.*", T(ANY), R(POLICY), SET | UNC, {"", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "One parameter; a path (policies.N.params.KEY, N from 1) sets numbers."},

	SECTION("sensitivity", LIST, 0, "Inputs of `ccsim sensitivity` when no --param is given."),
	{"sensitivity.*.path", T(STRING), R(SENSITIVITY), REQ, {"path", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "A parameter path."},
	NUMBER("sensitivity.*.low", REAL, SENSITIVITY, REQ, "low", 0, -INF, INF, 0, 0.0, DOUBLE,
	       offsetof(struct sensitivity_input, low), "Its low value."),
	NUMBER("sensitivity.*.high", REAL, SENSITIVITY, REQ, "high", 0, -INF, INF, 0, 0.0, DOUBLE,
	       offsetof(struct sensitivity_input, high), "Its high value (at least low)."),

	SECTION("uncertain", LIST, 0,
		"Parameters drawn anew in every replication from a distribution (absent: none)."),
	{"uncertain.*.path", T(STRING), R(ROOT), REQ, {"path", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "A parameter path whose key may be uncertain, or a pattern with `*` for a name."},
	{"uncertain.*.dist", T(STRING), R(ROOT), REQ, {"dist", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 "uniform|triangular|pert|normal|lognormal|beta|gamma|discrete", "The distribution."},
	{"uncertain.*.relative", T(BOOLEAN), R(ROOT), DEF, {"relative", 0, 0.0, 1.0, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "true: the draw multiplies the value the path resolves to."},
	NUMBER("uncertain.*.min", REAL, ROOT, 0, "min", 0, -INF, INF, 0, 0.0, NONE, 0,
	       "uniform, triangular, pert: the least value; normal, beta: truncation or scale."),
	NUMBER("uncertain.*.mode", REAL, ROOT, 0, "mode", 0, -INF, INF, 0, 0.0, NONE, 0,
	       "triangular, pert: the most likely value."),
	NUMBER("uncertain.*.max", REAL, ROOT, 0, "max", 0, -INF, INF, 0, 0.0, NONE, 0,
	       "uniform, triangular, pert: the greatest value; normal, beta: truncation or scale."),
	NUMBER("uncertain.*.mean", REAL, ROOT, 0, "mean", 0, -INF, INF, 0, 0.0, NONE, 0,
	       "normal, lognormal: the mean."),
	NUMBER("uncertain.*.sd", REAL, ROOT, 0, "sd", 0, -INF, INF, 0, 0.0, NONE, 0,
	       "normal, lognormal: the standard deviation."),
	NUMBER("uncertain.*.alpha", REAL, ROOT, 0, "alpha", 0, -INF, INF, 0, 0.0, NONE, 0,
	       "beta: the first shape."),
	NUMBER("uncertain.*.beta", REAL, ROOT, 0, "beta", 0, -INF, INF, 0, 0.0, NONE, 0,
	       "beta: the second shape."),
	NUMBER("uncertain.*.shape", REAL, ROOT, 0, "shape", 0, -INF, INF, 0, 0.0, NONE, 0,
	       "gamma: the shape."),
	NUMBER("uncertain.*.rate", REAL, ROOT, 0, "rate", 0, -INF, INF, 0, 0.0, NONE, 0,
	       "gamma: the rate."),
	{"uncertain.*.values", T(REALS), R(ROOT), 0, {"values", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "discrete: the values."},
	{"uncertain.*.weights", T(REALS), R(ROOT), 0, {"weights", 0, 0.0, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "discrete: one weight per value (default equal)."},

	SECTION("budget", GROUP, 0, "What `ccsim optimize` may spend (absent: give --budget)."),
	NUMBER("budget.total", REAL, ROOT, REQ, "total", 0, 0.0, LIMIT_BUDGET, 1, 0.0, DOUBLE,
	       ROOT_AT(budget.total), "The whole budget, in the levers' cost unit."),
	{"budget.unit", T(STRING), R(ROOT), 0, {"unit", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "The cost unit's name in reports (\"yuan\"; default none)."},

	SECTION("levers", LIST, 0, "What `ccsim optimize` spends the budget on (absent: give --lever)."),
	{"levers.*.name", T(STRING), R(LEVER), REQ, {"name", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "The lever's name in reports."},
	NUMBER("levers.*.policy", INTEGER, LEVER, REQ, "policy", 1, 1.0, LIMIT_POLICY_NUMBER, 0, 1.0, INT,
	       offsetof(struct lever, policy), "The policy it spends, 1 for the first of `policies`."),
	{"levers.*.param", T(STRING), R(LEVER), REQ, {"param", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0, NULL,
	 "A numeric parameter of that policy, set district by district."},
	NUMBER("levers.*.unit_cost", REAL, LEVER, REQ, "unit_cost", 0, 0.0, LIMIT_BUDGET, 1, 1.0, DOUBLE,
	       offsetof(struct lever, unit_cost), "The cost of one unit of the parameter."),
	NUMBER("levers.*.step", REAL, LEVER, REQ, "step", 0, 0.0, LIMIT_BUDGET, 1, 1.0, DOUBLE,
	       offsetof(struct lever, step), "The units one step adds to one district."),
	NUMBER("levers.*.max", REAL, LEVER, REQ, "max", 0, 0.0, LIMIT_BUDGET, 1, 1.0, DOUBLE,
	       offsetof(struct lever, max), "The most a district may hold (at least step)."),

	SECTION("correlation", LIST, 0, "Rank correlations between uncertain inputs (absent: none)."),
	{"correlation.*.paths", T(STRINGS), R(ROOT), REQ, {"paths", 0, -INF, INF, 0, 0}, 0.0, S(NONE), 0,
	 NULL, "Uncertain inputs' paths or patterns: every pair among their matches is correlated."},
	NUMBER("correlation.*.rank", REAL, ROOT, REQ, "rank", 0, -1.0, 1.0, 0, 0.0, NONE, 0,
	       "The Spearman rank correlation of each pair."),
};

#define SCHEMA_SIZE ((int)(sizeof schema / sizeof schema[0]))

int scenario_schema_count(void)
{
	return SCHEMA_SIZE;
}

const struct scenario_key *scenario_schema_key(int index)
{
	return index >= 0 && index < SCHEMA_SIZE ? &schema[index] : NULL;
}

const char *scenario_key_name(const struct scenario_key *k)
{
	const char *dot = strrchr(k->path, '.');
	return dot ? dot + 1 : k->path;
}

int scenario_key_choice(const struct scenario_key *k, int index, char *out, size_t size)
{
	if (size > 0)
		out[0] = '\0';
	const char *at = k->choices;
	for (int i = 0; at != NULL && index >= 0; i++) {
		const char *bar = strchr(at, '|');
		size_t n = bar ? (size_t)(bar - at) : strlen(at);
		if (i == index) {
			snprintf(out, size, "%.*s", (int)n, at);
			return 0;
		}
		at = bar ? bar + 1 : NULL;
	}
	return -1;
}

int scenario_key_choice_index(const struct scenario_key *k, const char *text)
{
	const char *at = k->choices;
	for (int i = 0; at != NULL; i++) {
		const char *bar = strchr(at, '|');
		size_t n = bar ? (size_t)(bar - at) : strlen(at);
		if (strlen(text) == n && strncmp(at, text, n) == 0)
			return i;
		at = bar ? bar + 1 : NULL;
	}
	return -1;
}

const struct scenario_key *scenario_schema_find(const char *pattern)
{
	for (int i = 0; i < SCHEMA_SIZE; i++)
		if (strcmp(schema[i].path, pattern) == 0)
			return &schema[i];
	return NULL;
}

const struct scenario_key *scenario_schema_next(const struct scenario_key *previous,
						enum scenario_record record, unsigned flags)
{
	int i = previous ? (int)(previous - schema) + 1 : 0;
	for (; i < SCHEMA_SIZE; i++)
		if (schema[i].record == record && (schema[i].flags & flags) == flags &&
		    schema[i].storage != SCENARIO_STORE_NONE)
			return &schema[i];
	return NULL;
}

/* 1 when K's path is PARENT followed by one segment. */
static int is_child(const struct scenario_key *k, const char *parent)
{
	size_t n = strlen(parent);
	if (n == 0)
		return strchr(k->path, '.') == NULL;
	return strncmp(k->path, parent, n) == 0 && k->path[n] == '.' &&
	       strchr(k->path + n + 1, '.') == NULL;
}

int schema_children(const char *parent, const char **names, int max)
{
	int n = 0;
	int defaults = strcmp(parent, "defaults") == 0;
	for (int i = 0; i < SCHEMA_SIZE && n < max; i++) {
		const struct scenario_key *k = &schema[i];
		if (defaults ? (k->flags & SCENARIO_KEY_CELL) != 0 : is_child(k, parent))
			names[n++] = scenario_key_name(k);
	}
	return n;
}

const struct scenario_key *schema_child(const char *parent, const char *name)
{
	for (int i = 0; i < SCHEMA_SIZE; i++)
		if (is_child(&schema[i], parent) && strcmp(scenario_key_name(&schema[i]), name) == 0)
			return &schema[i];
	return NULL;
}

/* ---- concrete paths ------------------------------------------------------ */

/* Splits PATH at its dots into at most MAX segments of SEGMENT; returns the count (-1: too many or too long). */
static int split_path(const char *path, char segment[][160], int max)
{
	int n = 0;
	const char *start = path;
	for (;;) {
		const char *dot = strchr(start, '.');
		size_t length = dot ? (size_t)(dot - start) : strlen(start);
		if (n == max || length >= 160)
			return -1;
		memcpy(segment[n], start, length);
		segment[n][length] = '\0';
		n++;
		if (dot == NULL)
			return n;
		start = dot + 1;
	}
}

/* 1 when the concrete SEGMENTS match pattern PATH ('*' matches one segment). */
static int matches(const char *pattern, char segment[][160], int n)
{
	char own[8][160];
	int m = split_path(pattern, own, 8);
	if (m != n)
		return 0;
	for (int i = 0; i < n; i++)
		if (strcmp(own[i], "*") != 0 && strcmp(own[i], segment[i]) != 0)
			return 0;
	return 1;
}

const struct scenario_key *scenario_schema_match(const char *path)
{
	char segment[8][160];
	int n = split_path(path, segment, 8);
	if (n < 0)
		return NULL;
	for (int i = 0; i < SCHEMA_SIZE; i++) {
		const struct scenario_key *k = &schema[i];
		if (matches(k->path, segment, n))
			return k;
		if (!(k->flags & SCENARIO_KEY_CELL))
			continue;
		/* districts.NAME.KEY.CATEGORY, defaults.KEY, defaults.KEY.CATEGORY */
		const char *name = scenario_key_name(k);
		if (n == 4 && strcmp(segment[0], "districts") == 0 && strcmp(segment[2], name) == 0)
			return k;
		if ((n == 2 || n == 3) && strcmp(segment[0], "defaults") == 0 &&
		    strcmp(segment[1], name) == 0)
			return k;
	}
	return NULL;
}

/* The index of the entry named NAME in the records of R, or -1. */
static int find_named(const struct scenario *s, enum scenario_record r, const char *name)
{
	int n = scenario_record_count(s, r);
	for (int i = 0; i < n; i++) {
		const char *own = NULL;
		switch (r) {
		case SCENARIO_RECORD_CATEGORY: own = s->categories[i].name; break;
		case SCENARIO_RECORD_DISTRICT:
		case SCENARIO_RECORD_CELL: own = s->districts[i].name; break;
		case SCENARIO_RECORD_MATERIAL: own = s->materials[i].name; break;
		case SCENARIO_RECORD_NEGATIVE: own = s->negatives[i].name; break;
		case SCENARIO_RECORD_HONOR: own = s->bonus.honors[i].name; break;
		case SCENARIO_RECORD_COMPETITOR: own = s->pass.competitors[i].name; break;
		default: return -1;
		}
		if (strcmp(own, name) == 0)
			return i;
	}
	return -1;
}

const struct scenario_key *scenario_schema_resolve(const struct scenario *s, const char *path,
						   int *item, int *category)
{
	char segment[8][160];
	int n = split_path(path, segment, 8);
	const struct scenario_key *k = scenario_schema_match(path);
	*item = -1;
	*category = -1;
	if (k == NULL || n < 0 || k->storage == SCENARIO_STORE_NONE)
		return NULL;
	if (k->record == SCENARIO_RECORD_ROOT)
		return k;
	if (k->flags & SCENARIO_KEY_CELL) {
		int defaults = strcmp(segment[0], "defaults") == 0;
		const char *cat = defaults ? (n == 3 ? segment[2] : NULL) : (n == 4 ? segment[3] : NULL);
		if (!defaults && (*item = find_named(s, SCENARIO_RECORD_DISTRICT, segment[1])) < 0)
			return NULL;
		if (cat != NULL && (*category = find_named(s, SCENARIO_RECORD_CATEGORY, cat)) < 0)
			return NULL;
		return k;
	}
	/* LIST.NAME.KEY or bonus.honors.NAME.KEY / pass.competitors.NAME.KEY */
	const char *name = segment[n - 2];
	*item = find_named(s, k->record, name);
	return *item < 0 ? NULL : k;
}

/* ---- typed access ------------------------------------------------------- */

int scenario_record_count(const struct scenario *s, enum scenario_record record)
{
	switch (record) {
	case SCENARIO_RECORD_ROOT: return 1;
	case SCENARIO_RECORD_CATEGORY: return s->n_categories;
	case SCENARIO_RECORD_DISTRICT:
	case SCENARIO_RECORD_CELL: return s->n_districts;
	case SCENARIO_RECORD_MATERIAL: return s->n_materials;
	case SCENARIO_RECORD_NEGATIVE: return s->n_negatives;
	case SCENARIO_RECORD_HONOR: return s->bonus.n_honors;
	case SCENARIO_RECORD_COMPETITOR: return s->pass.n_competitors;
	case SCENARIO_RECORD_POLICY: return s->n_policies;
	case SCENARIO_RECORD_SENSITIVITY: return s->n_sensitivity;
	case SCENARIO_RECORD_LEVER: return s->n_levers;
	default: return 0;
	}
}

void *schema_record(const struct scenario *s, enum scenario_record record, int item, int category)
{
	switch (record) {
	case SCENARIO_RECORD_ROOT: return (void *)s;
	case SCENARIO_RECORD_CATEGORY: return &s->categories[item];
	case SCENARIO_RECORD_DISTRICT: return &s->districts[item];
	case SCENARIO_RECORD_CELL: return scenario_cell(s, item, category);
	case SCENARIO_RECORD_MATERIAL: return &s->materials[item];
	case SCENARIO_RECORD_NEGATIVE: return &s->negatives[item];
	case SCENARIO_RECORD_HONOR: return &s->bonus.honors[item];
	case SCENARIO_RECORD_COMPETITOR: return &s->pass.competitors[item];
	case SCENARIO_RECORD_POLICY: return &s->policies[item];
	case SCENARIO_RECORD_SENSITIVITY: return &s->sensitivity[item];
	case SCENARIO_RECORD_LEVER: return &s->levers[item];
	default: return NULL;
	}
}

double schema_load(const void *record, const struct scenario_key *k)
{
	const char *at = (const char *)record + k->offset;
	switch (k->storage) {
	case SCENARIO_STORE_DOUBLE: return *(const double *)(const void *)at;
	case SCENARIO_STORE_INT64: return (double)*(const int64_t *)(const void *)at;
	case SCENARIO_STORE_INT:
	case SCENARIO_STORE_CHOICE:
	case SCENARIO_STORE_BOOL: return (double)*(const int *)(const void *)at;
	case SCENARIO_STORE_UINT64: return (double)*(const uint64_t *)(const void *)at;
	default: return 0.0;
	}
}

void schema_store(void *record, const struct scenario_key *k, double value)
{
	char *at = (char *)record + k->offset;
	switch (k->storage) {
	case SCENARIO_STORE_DOUBLE: *(double *)(void *)at = value; break;
	case SCENARIO_STORE_INT64: *(int64_t *)(void *)at = (int64_t)value; break;
	case SCENARIO_STORE_INT:
	case SCENARIO_STORE_CHOICE: *(int *)(void *)at = (int)value; break;
	case SCENARIO_STORE_BOOL: *(int *)(void *)at = value != 0.0; break;
	case SCENARIO_STORE_UINT64: *(uint64_t *)(void *)at = (uint64_t)value; break;
	default: break;
	}
}

double scenario_value_get(const struct scenario *s, const struct scenario_key *k, int item,
			  int category)
{
	return schema_load(schema_record(s, k->record, item, category), k);
}

int scenario_key_check(const struct scenario_key *k, double value, char *why, size_t size)
{
	if (k->type == SCENARIO_TYPE_BOOLEAN) {
		if (value == 0.0 || value == 1.0)
			return 0;
		snprintf(why, size, "must be true or false");
		return 1;
	}
	return scenario_rule_check(&k->rule, value, why, size);
}

int scenario_value_set(struct scenario *s, const struct scenario_key *k, int item, int category,
		       double value, char *why, size_t size)
{
	if (k->storage == SCENARIO_STORE_NONE) {
		snprintf(why, size, "cannot be set");
		return 1;
	}
	if (scenario_key_check(k, value, why, size) != 0)
		return 1;
	schema_store(schema_record(s, k->record, item, category), k, value);
	return 0;
}

/* ---- the legacy field names (category.weight, cell.rectify_rate, ...) ---- */

const struct value_rule *scenario_field_rule(const char *field)
{
	static const struct {
		const char *singular, *pattern;
	} records[] = {{"category", "categories.*"}, {"district", "districts.*"},
		       {"cell", "districts.*"},      {"material", "materials.*"},
		       {"negative", "negative_list.*"}, {"honor", "bonus.honors.*"},
		       {"survey", "survey"},          {"overall", "overall"},
		       {"bonus", "bonus"}};
	const char *dot = strchr(field, '.');
	if (dot == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
		size_t n = strlen(records[i].singular);
		if ((size_t)(dot - field) != n || strncmp(field, records[i].singular, n) != 0)
			continue;
		const struct scenario_key *k = schema_child(records[i].pattern, dot + 1);
		int cell = k != NULL && (k->flags & SCENARIO_KEY_CELL) != 0;
		if (k == NULL || k->storage == SCENARIO_STORE_NONE || k->type == SCENARIO_TYPE_BOOLEAN ||
		    cell != (i == 2))
			return NULL;
		return &k->rule;
	}
	return NULL;
}

int scenario_field_check(const char *field, double value, char *why, size_t size)
{
	const struct value_rule *rule = scenario_field_rule(field);
	return rule ? scenario_rule_check(rule, value, why, size) : -1;
}

/* ---- generated documents ------------------------------------------------ */

static const char *type_word(const struct scenario_key *k)
{
	switch (k->type) {
	case SCENARIO_TYPE_REAL: return "number";
	case SCENARIO_TYPE_INTEGER: return "integer";
	case SCENARIO_TYPE_BOOLEAN: return "boolean";
	case SCENARIO_TYPE_STRING: return "string";
	case SCENARIO_TYPE_REALS: return "numbers [ ]";
	case SCENARIO_TYPE_INTEGERS: return "integers [ ]";
	case SCENARIO_TYPE_STRINGS: return "strings [ ]";
	case SCENARIO_TYPE_GROUP: return "group { }";
	case SCENARIO_TYPE_LIST: return "list ( )";
	default: return "number, boolean, string or array";
	}
}

static void format_bound(double value, int integer, char *out, size_t size)
{
	if (value == 9223372036854775807.0)
		snprintf(out, size, "2^63-1");
	else if (value == 9007199254740992.0)
		snprintf(out, size, "2^53");
	else if (integer || (value == floor(value) && fabs(value) < 1e7))
		snprintf(out, size, "%.0f", value);
	else
		snprintf(out, size, "%g", value);
}

/* The range in a table cell: "[0, 1]", ">= 0", "(0, 1e+12]", "any". */
static void range_text(const struct scenario_key *k, char *out, size_t size)
{
	const struct value_rule *r = &k->rule;
	if (k->choices != NULL) {
		snprintf(out, size, "%s", k->choices);
		for (char *p = out; *p; p++)
			if (*p == '|')
				*p = ',';
		return;
	}
	if (k->type != SCENARIO_TYPE_REAL && k->type != SCENARIO_TYPE_INTEGER &&
	    k->type != SCENARIO_TYPE_REALS && k->type != SCENARIO_TYPE_INTEGERS) {
		snprintf(out, size, "%s", "");
		return;
	}
	char lo[32], hi[32];
	format_bound(r->lo, r->integer, lo, sizeof lo);
	format_bound(r->hi, r->integer, hi, sizeof hi);
	int has_lo = isfinite(r->lo), has_hi = isfinite(r->hi);
	if (has_lo && has_hi)
		snprintf(out, size, "%s%s, %s%s", r->lo_open ? "(" : "[", lo, hi, r->hi_open ? ")" : "]");
	else if (has_lo)
		snprintf(out, size, "%s %s", r->lo_open ? ">" : ">=", lo);
	else if (has_hi)
		snprintf(out, size, "%s %s", r->hi_open ? "<" : "<=", hi);
	else
		snprintf(out, size, "%s", k->type == SCENARIO_TYPE_REAL || k->type == SCENARIO_TYPE_INTEGER
						  ? "any" : "");
}

static void default_text(const struct scenario_key *k, char *out, size_t size)
{
	if (k->flags & SCENARIO_KEY_REQUIRED)
		snprintf(out, size, "required");
	else if (k->type == SCENARIO_TYPE_BOOLEAN)
		snprintf(out, size, "%s", k->fallback != 0.0 ? "true" : "false");
	else if (k->storage == SCENARIO_STORE_CHOICE)
		scenario_key_choice(k, (int)k->fallback, out, size);
	else if (k->flags & SCENARIO_KEY_DEFAULT)
		format_bound(k->fallback, k->rule.integer, out, size);
	else
		snprintf(out, size, "optional");
}

void scenario_schema_markdown(FILE *out)
{
	fprintf(out, "Generated from sim/scenario/scenario_schema.c (a test checks that they agree).\n"
		"A `*` stands for one name of a list; a key marked *cell* is per district\n"
		"and category: it may also be written under `defaults`, and as a group keyed\n"
		"by category name (`districts.NAME.KEY.CATEGORY`, `defaults.KEY.CATEGORY`).\n"
		"Columns: whether `--set` and patterns may set the key, whether a policy's\n"
		"setup and its week hook may write it, whether it may be uncertain.\n"
		"A scenario file, and each file it @includes, holds at most %d MiB and a group\n"
		"{ } at most %d settings; names are UTF-8, 1 to %d characters (the scenario's\n"
		"own name too); every number is finite; an integer literal beyond 32 bits is\n"
		"read exactly, in the file and in the files it @includes.\n\n",
		(int)(LIMIT_SCENARIO_BYTES >> 20), LIMIT_GROUP_SETTINGS, LIMIT_NAME_CHARS);
	fprintf(out, "| Key | Type | Range | Default | --set | setup | week | uncertain | Meaning |\n");
	fprintf(out, "|---|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < SCHEMA_SIZE; i++) {
		const struct scenario_key *k = &schema[i];
		char range[128], fallback[32];
		range_text(k, range, sizeof range);
		default_text(k, fallback, sizeof fallback);
		fprintf(out, "| `%s` | %s%s | %s | %s | %s | %s | %s | %s | %s |\n", k->path, type_word(k),
			k->flags & SCENARIO_KEY_CELL ? ", cell" : "", range, fallback,
			k->flags & SCENARIO_KEY_SET ? "yes" : "", k->flags & SCENARIO_KEY_SETUP ? "yes" : "",
			k->flags & SCENARIO_KEY_WEEK ? "yes" : "",
			k->flags & SCENARIO_KEY_UNCERTAIN ? "yes" : "", k->description);
	}
}

void scenario_schema_dictionary(FILE *out)
{
	static const char *const tokens[] = {"=", ";", ":", "{", "}", "(", ")", "[", "]", ",", "\\\"",
					     "true", "false", "1e308", "1e999", "-0.0",
					     "2147483647", "4294967296", "9223372036854775807L"};
	fprintf(out, "# libconfig's tokens and every scenario key, generated from\n"
		"# sim/scenario/scenario_schema.c (a test checks that they agree)\n");
	for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
		fprintf(out, "\"%s\"\n", tokens[i]);
	for (int i = 0; i < SCHEMA_SIZE; i++) {
		const char *name = scenario_key_name(&schema[i]);
		int seen = strcmp(name, "*") == 0;
		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(scenario_key_name(&schema[j]), name) == 0;
		if (!seen)
			fprintf(out, "\"%s\"\n", name);
		const char *choice = schema[i].choices;
		while (choice != NULL && *choice) {
			size_t n = strcspn(choice, "|");
			fprintf(out, "\"%.*s\"\n", (int)n, choice);
			choice += n + (choice[n] == '|');
		}
	}
}
