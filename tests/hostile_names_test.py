#!/usr/bin/env python3
"""Every writer with hostile names (issue 12 point 16).

A scenario whose name, districts and categories hold what can end, split or
format an output (quotes, commas, line breaks, a tab and a carriage return,
a backslash, </script>, <!--, %n and %s, Chinese and emoji: every name the
loader accepts, valid UTF-8 of 1 to 64 characters), a policy plugin whose
name, description and a string default do the same, and a variant named
likewise. Every command that writes something runs on it; each output must
parse in its own format (JSON by Python's json, CSV by its csv module, the
HTML report's data block as JSON with the page's scripts intact, the
calibrated overlay read again by ccsim, the plugins listing's quoted default
in the scenario file's escapes) and give each name back byte for byte.

Usage: hostile_names_test.py CCSIM
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ccsim = os.path.abspath(sys.argv[1])
failures = 0

CITY = '</script>"city",\n%n 文明城市 🏙️'
DISTRICTS = ['Quote "q", comma', 'line\nbreak\r\ttab', '</script><!--<script>', '%n%s%d%x%%',
             '北山区（西固）', '🏙️ city 🚀', "back\\slash 'apos' & <b>amp</b>"]
CATEGORIES = ['road "main",\n<i>', '背街 🚧 %s']
PLUGIN_NAME = '</script>"plug",\n%n 政策 🚀'
PLUGIN_DESCRIPTION = '<!-- desc "q", %s\t第二行 🚧'
NOTE = '%n</script>"x",\n笔记\\'
VARIANT = '</script>"变体" 🚀 %n<!--'


def check(what, ok, detail=''):
    global failures
    if ok:
        print('ok   ' + what)
    else:
        failures += 1
        print('FAIL ' + what + (': ' + detail if detail else ''))


def cfg_string(text):
    """TEXT as a libconfig string literal."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append('\\' + ch)
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\t':
            out.append('\\t')
        elif ch == '\r':
            out.append('\\r')
        else:
            out.append(ch)
    return '"' + ''.join(out) + '"'


def cfg_unquote(text):
    """The string a libconfig literal (with its quotes) stands for."""
    assert text[0] == '"' and text[-1] == '"', text
    out, i, body = [], 0, text[1:-1]
    while i < len(body):
        if body[i] == '\\':
            e = body[i + 1]
            if e == 'x':
                out.append(chr(int(body[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append({'n': '\n', 't': '\t', 'r': '\r', 'f': '\f'}.get(e, e))
            i += 2
        else:
            if body[i] == '"':
                raise ValueError('an unescaped quote inside ' + text)
            out.append(body[i])
            i += 1
    return ''.join(out)


def run(*args, expect=0):
    r = subprocess.run([ccsim] + list(args), capture_output=True, env=env)
    out = r.stdout.decode('utf-8', 'strict')
    err = r.stderr.decode('utf-8', 'strict')
    check('ccsim %s: status %d' % (args[0], expect), r.returncode == expect,
          'status %d: %s' % (r.returncode, err[-600:]))
    return out


def strings_in(value):
    """Every string in a parsed JSON document, keys included."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)
    elif isinstance(value, str):
        yield value


def load_json(name, path):
    try:
        with open(path, encoding='utf-8') as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        check(name + ': parses as JSON', False, str(e))
        return None
    check(name + ': parses as JSON', True)
    return doc


def load_csv(name, path):
    try:
        with open(path, encoding='utf-8', newline='') as f:
            rows = list(csv.reader(f, strict=True))
    except (OSError, ValueError, csv.Error) as e:
        check(name + ': parses as CSV', False, str(e))
        return None
    widths = {len(r) for r in rows if r}
    check(name + ': parses as CSV', len(rows) > 1, '%d rows' % len(rows))
    # a table's rows agree on their width unless they are separate tables
    check(name + ': no row split by a name', all(len(r) >= 2 for r in rows if r), str(widths))
    return rows


def expect_names(name, found, names):
    found = set(found)
    missing = [n for n in names if n not in found]
    check(name + ': every name back byte for byte', not missing, 'missing ' + repr(missing))


def expect_in_text(name, text, names):
    # a terminal table may lay a tab out as spaces; every other byte as written
    missing = [n for n in names
               if not re.search('[\t ]+'.join(re.escape(p) for p in n.split('\t')), text)]
    check(name + ': every name printed as it is', not missing, 'missing ' + repr(missing))


def report_data(name, path, benign_scripts):
    """The report's embedded documents, with its scripts checked intact."""
    with open(path, encoding='utf-8') as f:
        page = f.read()
    blocks = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    scripts = len(re.findall(r'<script\b', page))
    closes = len(re.findall(r'</script', page, re.I))
    # the template's scripts, one data block a document
    expected = benign_scripts + len(blocks) - 1
    check(name + ': the page\'s scripts intact (%d opened, %d closed)' % (scripts, closes),
          scripts == closes == expected, 'a benign page has %d' % expected)
    raw = [n for n in DISTRICTS + CATEGORIES + [CITY] if '<' in n and n in page]
    check(name + ': no name with < written raw', not raw, repr(raw))
    check(name + ': no HTML comment opened', '<!--' not in page)
    docs = []
    for b in blocks:
        try:
            docs.append(json.loads(b))
        except ValueError as e:
            check(name + ': its data block parses as JSON', False, str(e))
    check(name + ': its data blocks parse as JSON', blocks and len(docs) == len(blocks))
    return docs


here = tempfile.mkdtemp(prefix='ccsim-hostile-')
os.chdir(here)
env = dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8', CCSIM_PLUGIN_PATH=here)
env.pop('LANGUAGE', None)

with open('hostile.lua', 'w', encoding='utf-8') as f:
    f.write('local hostile = {\n  name = %s,\n  description = %s,\n'
            '  params = { staff = 10, note = %s },\n}\n'
            'function hostile.setup(scenario, params, targets)\n'
            '  return { cost = params.staff * #targets }\nend\n'
            'function hostile.week(state, params, targets)\n'
            '  for _, name in ipairs(targets) do\n'
            '    for _, c in ipairs(state.categories) do\n'
            '      local cell = state.district[name].categories[c]\n'
            '      cell.rectify_rate = math.min(1, cell.base_rectify_rate + params.staff / 20)\n'
            '    end\n  end\nend\nreturn hostile\n'
            % (cfg_string(PLUGIN_NAME), cfg_string(PLUGIN_DESCRIPTION), cfg_string(NOTE)))

def write_scenario(path, city, districts, categories, policy=True):
    lines = ['version = 1;', 'name = %s;' % cfg_string(city), 'run: { seed = 11; };',
             'campaign: { weeks = 4; };', 'inspection: { window = [3, 4]; batches = 1; };',
             'categories = (' + ',\n  '.join(
                 '{ name = %s; weight = 20.0; deduction = 0.25; lottery = 1; }' % cfg_string(c)
                 for c in categories) + ');',
             'defaults: { sites = 20; declared = 3; problems = 10; new_per_week = 2.0; '
             'rectify_rate = 0.2; rebound = 0.05; };',
             'districts = (' + ',\n  '.join(
                 '{ name = %s; population = 100000.0; satisfaction = 0.85; }' % cfg_string(d)
                 for d in districts) + ');',
             'survey: { respondents = 200; weight = 20.0; };',
             'pass: { rule = "threshold"; threshold = 50.0; };',
             'sensitivity = ( { path = %s; low = 0.1; high = 0.3; } );'
             % cfg_string('districts.' + districts[0] + '.rectify_rate')]
    if policy:
        lines.append('policies = ( { plugin = "hostile"; districts = [%s]; } );'
                     % ', '.join(cfg_string(d) for d in districts[:3]))
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')


write_scenario('city.cfg', CITY, DISTRICTS, CATEGORIES)
ALL = DISTRICTS + CATEGORIES

# check: the printout and the resolved scenario's JSON
out = run('check', 'city.cfg', '--json', 'check.json')
expect_in_text('check printout', out, ALL + [CITY])
doc = load_json('check --json', 'check.json')
if doc is not None:
    expect_names('check --json', strings_in(doc), ALL + [CITY])

# run: the summary, the JSON, the CSV, and the report made of the JSON
out = run('run', 'city.cfg', '--reps', '200', '--threads', '1', '--json', 'run.json', '--csv', 'run.csv')
expect_in_text('run summary', out, [CITY])
doc = load_json('run --json', 'run.json')
if doc is not None:
    check('run --json: districts in order', [d['name'] for d in doc['districts']] == DISTRICTS,
          repr([d['name'] for d in doc['districts']]))
    check('run --json: categories in order', [c['name'] for c in doc['categories']] == CATEGORIES)
    check('run --json: the scenario\'s name', doc['scenario'] == CITY, repr(doc['scenario']))
    expect_names('run --json: the policy\'s name', [p.get('name') for p in doc['policies']],
                 [PLUGIN_NAME])
rows = load_csv('run --csv', 'run.csv')
if rows is not None:
    check('run --csv: districts in order', [r[1] for r in rows if r[0] == 'district'] == DISTRICTS,
          repr([r[1] for r in rows if r[0] == 'district']))
    check('run --csv: categories in order',
          [r[1] for r in rows if r[0] == 'category'] == CATEGORIES)

# the longest name (64 characters, 255 bytes of UTF-8) whole in the JSON and the
# CSV (a terminal table may cut a name at its column, with an ellipsis)
LONGEST = '🚀' * 63 + '末'
write_scenario('longest.cfg', LONGEST, [LONGEST, 'b'], CATEGORIES, False)
run('run', 'longest.cfg', '--reps', '50', '--threads', '1', '-q', '--json', 'longest.json',
    '--csv', 'longest.csv')
doc = load_json('the longest name: run --json', 'longest.json')
if doc is not None:
    check('the longest name: whole in the JSON', doc['districts'][0]['name'] == LONGEST
          and doc['scenario'] == LONGEST)
rows = load_csv('the longest name: run --csv', 'longest.csv')
if rows is not None:
    check('the longest name: whole in the CSV', [r[1] for r in rows if r[0] == 'district'][0] == LONGEST)

# a benign run's report: the page's own script elements, whatever the data say
write_scenario('benign.cfg', 'benign', ['d%d' % i for i in range(len(DISTRICTS))], ['c1', 'c2'], False)
run('run', 'benign.cfg', '--reps', '100', '--threads', '1', '-q', '--json', 'benign.json')
run('report', 'benign.json', '-o', 'benign.html')
with open('benign.html', encoding='utf-8') as f:
    template_scripts = len(re.findall(r'<script\b', f.read()))
run('report', 'run.json', '-o', 'report.html')

# compare: a variant named to break every format, on a Chinese-named district
path = 'districts.' + DISTRICTS[4] + '.rectify_rate'
out = run('compare', 'city.cfg', '--variant', '%s: %s=0.3' % (VARIANT, path), '--reps', '200',
          '--threads', '1', '--json', 'compare.json', '--csv', 'compare.csv')
expect_in_text('compare summary', out, [VARIANT])
doc = load_json('compare --json', 'compare.json')
if doc is not None:
    expect_names('compare --json', strings_in(doc), [VARIANT, path])
rows = load_csv('compare --csv', 'compare.csv')
if rows is not None:
    expect_names('compare --csv', [c for r in rows for c in r], [VARIANT])

# sweep, sensitivity and solve over parameters named by hostile districts
sweep_path = 'districts.' + DISTRICTS[0] + '.rectify_rate'
out = run('sweep', 'city.cfg', '--param', sweep_path + '=0.1:0.3:2', '--reps', '200', '--threads', '1',
          '--json', 'sweep.json', '--csv', 'sweep.csv')
expect_in_text('sweep summary', out, [sweep_path])
doc = load_json('sweep --json', 'sweep.json')
if doc is not None:
    expect_names('sweep --json', strings_in(doc), [sweep_path])
rows = load_csv('sweep --csv', 'sweep.csv')
if rows is not None:
    expect_names('sweep --csv', rows[0], [sweep_path])

sens_paths = ['districts.' + DISTRICTS[3] + '.rectify_rate', 'districts.' + DISTRICTS[1] + '.rebound']
out = run('sensitivity', 'city.cfg', '--param', sens_paths[0] + '=0.1:0.3', '--param',
          sens_paths[1] + '=0.01:0.1', '--reps', '200', '--threads', '1',
          '--json', 'sensitivity.json', '--csv', 'sensitivity.csv')
expect_in_text('sensitivity summary', out, sens_paths)
doc = load_json('sensitivity --json', 'sensitivity.json')
if doc is not None:
    expect_names('sensitivity --json', strings_in(doc), sens_paths)
rows = load_csv('sensitivity --csv', 'sensitivity.csv')
if rows is not None:
    expect_names('sensitivity --csv', [c for r in rows for c in r], sens_paths)
# the scenario's own sensitivity list, written in the file with a hostile name
run('sensitivity', 'city.cfg', '--reps', '100', '--threads', '1', '--json', 'sensitivity-list.json')
doc = load_json('sensitivity (the scenario\'s list) --json', 'sensitivity-list.json')
if doc is not None:
    expect_names('sensitivity (the scenario\'s list) --json', strings_in(doc), [sweep_path])

solve_path = 'districts.' + DISTRICTS[2] + '.rectify_rate'
out = run('solve', 'city.cfg', '--param', solve_path, '--target', '0.5', '--range', '0.01:0.9',
          '--reps', '200', '--threads', '1', '--json', 'solve.json')
expect_in_text('solve summary', out, [solve_path])
doc = load_json('solve --json', 'solve.json')
if doc is not None:
    expect_names('solve --json', strings_in(doc), [solve_path])

# allocate: the hostile policy's staff spread over its hostile targets
out = run('allocate', 'city.cfg', '--policy', '1', '--param', 'staff', '--budget', '20', '--step', '10',
          '--reps', '100', '--threads', '1', '--json', 'allocate.json', '--csv', 'allocate.csv')
expect_in_text('allocate summary', out, DISTRICTS[:3])
doc = load_json('allocate --json', 'allocate.json')
if doc is not None:
    expect_names('allocate --json', strings_in(doc), DISTRICTS[:3])
rows = load_csv('allocate --csv', 'allocate.csv')
if rows is not None and doc is not None:
    steps = [st['district'] for st in doc['steps']]
    column = rows[0].index('district') if 'district' in rows[0] else 1
    written = [r[column] for r in rows[1:] if r[column] != '']
    check('allocate --csv: the steps\' districts as the JSON\'s', len(steps) > 0 and
          written == steps, repr(written) + ' against ' + repr(steps))

# ledger and calibrate: the office's files name the districts and categories
with open('ledger.csv', 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f)
    w.writerow(['district', 'category', 'found', 'fixed', 'reopened'])
    for d in DISTRICTS:
        for c in CATEGORIES:
            w.writerow([d, c, '2026-03-03', '2026-03-10', ''])
            w.writerow([d, c, '2026-03-04', '', ''])
            w.writerow([d, c, '2026-03-12', '2026-03-20', ''])
run('ledger', 'ledger.csv', '--start', '2026-03-02', '--weeks', '4', '-o', 'reports.csv', '--quiet')
rows = load_csv('ledger -o', 'reports.csv')
if rows is not None:
    expect_names('ledger -o: districts', [r[0] for r in rows], DISTRICTS)
    expect_names('ledger -o: categories', [r[1] for r in rows], CATEGORIES)
# the reports, as an office writes them: week by week
def write_reports(path, categories):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f)
        w.writerow(['district', 'category', 'week', 'found', 'fixed', 'rebounded', 'open'])
        for i, d in enumerate(DISTRICTS):
            for c in categories:
                open_ = 10
                for week in range(1, 5):
                    found, fixed, rebounded = 2, 2 + (i + week) % 2, (week + 1) % 2
                    open_ += found - fixed + rebounded
                    w.writerow([d, c, week, found, fixed, rebounded, open_])


# the overlay writes a category's values as a group's keys, which libconfig
# spells in ASCII: other category names are refused, by name, before any work
write_reports('reports.csv', CATEGORIES)
r = subprocess.run([ccsim, 'calibrate', 'city.cfg', 'reports.csv', '-o', 'overlay.cfg'],
                   capture_output=True, env=env)
err = r.stderr.decode('utf-8')
check('calibrate: categories no overlay can spell refused by name (status 2)',
      r.returncode == 2 and all(c in err for c in CATEGORIES) and not os.path.exists('overlay.cfg'),
      'status %d: %s' % (r.returncode, err[-300:]))
# hostile districts, categories an overlay can spell
PLAIN = ['main_road', 'back_street']
write_scenario('calibrate.cfg', CITY, DISTRICTS, PLAIN, False)
write_reports('reports.csv', PLAIN)
out = run('calibrate', 'calibrate.cfg', 'reports.csv', '-o', 'overlay.cfg', '--json', 'calibrate.json',
          '--csv', 'calibrate.csv', '--draws', '50', '--threads', '1')
expect_in_text('calibrate summary', out, DISTRICTS)
doc = load_json('calibrate --json', 'calibrate.json')
if doc is not None:
    expect_names('calibrate --json', strings_in(doc), DISTRICTS)
rows = load_csv('calibrate --csv', 'calibrate.csv')
if rows is not None:
    expect_names('calibrate --csv', [c for r in rows for c in r], DISTRICTS)
run('check', 'calibrate.cfg+overlay.cfg', '--json', 'overlay.json')
doc = load_json('the calibrated overlay read again: check --json', 'overlay.json')
if doc is not None:
    expect_names('the calibrated overlay read again', strings_in(doc), DISTRICTS)

# the report of every document above: its data block gives the names back
docs = report_data('report of run.json', 'report.html', template_scripts)
expect_names('report of run.json', (s for d in docs for s in strings_in(d)), ALL + [CITY])
for name in ['compare', 'sweep', 'sensitivity', 'calibrate']:
    r = subprocess.run([ccsim, 'report', 'run.json', name + '.json', '-o', name + '.html'],
                       capture_output=True, env=env)
    check('ccsim report run.json %s.json: status 0' % name, r.returncode == 0, r.stderr.decode()[-300:])
    if r.returncode == 0:
        docs = report_data('report of ' + name + '.json', name + '.html', template_scripts)
        expect_names('report of %s.json' % name, (s for d in docs for s in strings_in(d)), DISTRICTS + [CITY])
# a JSON file named like the names: the page names its file
odd = 'run "<script><!--" %n 🚀.json'
os.rename('run.json', odd)
run('report', odd, '-o', 'odd.html')
docs = report_data('report of a file named hostile', 'odd.html', template_scripts)
with open('odd.html', encoding='utf-8') as f:
    page = f.read()
check('report of a file named hostile: its name escaped in the page',
      odd not in page and 'run &quot;&lt;script&gt;&lt;!--&quot; %n 🚀.json' in page)

# plugins: the listing gives the description as written and the quoted default
# in the scenario file's escapes (so it can be pasted back)
out = run('plugins')
expect_in_text('plugins listing', out, [PLUGIN_DESCRIPTION])
m = re.search(r'^    note = (".*")$', out, re.M)
check('plugins listing: the string default on one line', m is not None)
if m is not None:
    try:
        check('plugins listing: the string default back byte for byte', cfg_unquote(m.group(1)) == NOTE,
              repr(m.group(1)))
    except ValueError as e:
        check('plugins listing: the string default quoted', False, str(e))

os.chdir('/')
if failures == 0 or not os.environ.get('KEEP'):
    shutil.rmtree(here)
else:
    print('outputs kept in ' + here)
print('%d failed' % failures)
sys.exit(1 if failures else 0)
