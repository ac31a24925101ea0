--[[
mock_inspection: third-party mock inspections (模拟测评).

The practice: weeks before the real assessment the city pays a third party
to inspect as the assessors will (one such test drew 78 sites at random).
The problems found are listed per district and pushed for rectification (a
district ranked 4th of its city in one such test).

The resource: tests, the mock tests held in each target district in each
mock week (each by its own team, on its own random sites). Everything
follows from it: the share of open problems found, hence the push, and the
cost.

The curve: each test finds the share detection of the open problems, on
sites drawn independently of the other tests', so n tests find
  found(n) = 1 - (1 - detection)^n
(each further test mostly finds what an earlier one found: diminishing
returns; no number of tests finds every problem). After each mock week, for
the next duration weeks, the target districts' weekly rectification rate is
the scenario's plus boost x found(tests) (at most 1); afterwards it returns
to the scenario's. 0 tests change nothing and cost nothing.

Parameters (each default is the planner's assumption, not a measurement):
  tests          1     tests per target district and mock week, a whole
                       number >= 0
  weeks          {6}   the mock weeks (when, not how much), within the
                       campaign
  detection      0.6   share of open problems one test finds, within [0, 1]
                       (DOMAIN's mock test kept 70.1 % of points on 78 sites:
                       it saw most of what was there; 0.6 is an assumption)
  boost          0.25  extra weekly rectification of all found problems, >= 0
  duration       3     weeks the push lasts after a mock week, >= 1
  cost_per_test  8     cost of one test of one district, in 10,000 yuan, >= 0

Cost unit: 10,000 yuan: cost_per_test x tests x the mock weeks x the
target districts (each test is paid once).
]]
local mock_inspection = {
  name = "mock_inspection",
  description = "Third-party mock inspections (模拟测评): problems found in chosen "
    .. "weeks are fixed faster for some weeks, saturating in tests per district; "
    .. "resource tests, cost in 10,000 yuan",
  params = { tests = 1, weeks = { 6 }, detection = 0.6, boost = 0.25, duration = 3, cost_per_test = 8 },
}

-- A finite number >= 0 (whole when whole, <= 1 when share), or a clear error.
local function check(params, key, what, whole, share)
  local x = params[key]
  if x ~= x or x == math.huge or x < 0 or (whole and x ~= math.floor(x)) or (share and x > 1) then
    error(string.format("params.%s = %g: %s must be %s", key, x, what,
      share and "within [0, 1]" or whole and "a whole number >= 0" or "a finite number >= 0"), 2)
  end
end

-- The share of open problems N tests find (0 for 0 tests).
local function found(detection, n)
  return 1.0 - (1.0 - detection) ^ n
end

function mock_inspection.setup(scenario, params, targets)
  check(params, "tests", "the tests per district and mock week", true)
  check(params, "detection", "the share one test finds", false, true)
  check(params, "boost", "the push")
  check(params, "cost_per_test", "the cost of a test")
  if params.duration ~= params.duration or params.duration < 1 then
    error(string.format("params.duration = %g: must be >= 1 week", params.duration))
  end
  for _, week in ipairs(params.weeks) do
    if week < 1 or week > scenario.weeks then
      error("params.weeks: week " .. week .. " is outside the campaign's 1.." .. scenario.weeks)
    end
  end
  return { cost = params.cost_per_test * params.tests * #params.weeks * #targets }
end

-- 1 when a push is under way in week (it starts the week after a mock week).
local function pushed(params, week)
  for _, mock in ipairs(params.weeks) do
    if week > mock and week <= mock + params.duration then
      return true
    end
  end
  return false
end

-- The next week after WEEK at whose end a push starts or ends, or past the
-- campaign: the hook asks to be called next then, and the weeks between run
-- without it.
local function next_change(params, week, weeks)
  for w = week + 1, weeks do
    if pushed(params, w) ~= pushed(params, w + 1) then
      return w
    end
  end
  return weeks + 1
end

function mock_inspection.week(state, params, targets)
  if params.tests == 0 then
    return state.weeks + 1
  end
  -- Rates change only when a push starts or ends: the next week's rate is
  -- set at the end of this week.
  local now, next = pushed(params, state.week), pushed(params, state.week + 1)
  if now == next then
    return next_change(params, state.week, state.weeks)
  end
  local extra = next and params.boost * found(params.detection, params.tests) or 0.0
  -- numeric loops and a comparison, not ipairs and math.min: each call of
  -- a C function costs about as much as a cell's own work
  local district, names = state.district, state.categories
  local n = #names
  for t = 1, #targets do
    local categories = district[targets[t]].categories
    for i = 1, n do
      local cell = categories[names[i]]
      local rate = cell.base_rectify_rate + extra
      cell.rectify_rate = rate < 1.0 and rate or 1.0
    end
  end
  return next_change(params, state.week, state.weeks)
end

return mock_inspection
