--[[
mock_inspection: third-party mock inspections (模拟测评).

The practice: weeks before the real assessment the city pays a third party
to inspect as the assessors will. The problems it finds are listed per
district and pushed for rectification (a district ranked 4th of its city in
one such test).

The model (a week hook): at the end of each mock week, the share detection
of every open problem in the target districts is found, and for the next
duration weeks those districts rectify faster: the weekly rate is the
scenario's plus boost x detection (at most 1). Afterwards it returns to the
scenario's rate.

Parameters (each default is the planner's assumption, not a measurement):
  weeks       {6}   the weeks a mock inspection is held
  detection   0.6   share of open problems a mock inspection finds
  boost       0.25  extra weekly rectification of found problems
  duration    3     weeks the push lasts after a mock inspection
  cost_per_test  8  cost of one mock test of one district (in 10,000 yuan)

Cost unit: 10,000 yuan: cost_per_test x the mock weeks x the target districts.
]]
local mock_inspection = {
  name = "mock_inspection",
  description = "Third-party mock inspections (模拟测评): problems found in chosen "
    .. "weeks are fixed faster for some weeks; cost per district test",
  params = { weeks = { 6 }, detection = 0.6, boost = 0.25, duration = 3, cost_per_test = 8 },
}

function mock_inspection.setup(scenario, params, targets)
  if params.detection < 0 or params.detection > 1 or params.boost < 0 or params.duration < 1 then
    error("detection within [0, 1], boost >= 0 and duration >= 1, please")
  end
  for _, week in ipairs(params.weeks) do
    if week < 1 or week > scenario.weeks then
      error("params.weeks: week " .. week .. " is outside the campaign's 1.." .. scenario.weeks)
    end
  end
  return { cost = params.cost_per_test * #params.weeks * #targets }
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

local min = math.min

function mock_inspection.week(state, params, targets)
  -- Rates change only when a push starts or ends: the next week's rate is
  -- set at the end of this week.
  local now, next = pushed(params, state.week), pushed(params, state.week + 1)
  if now == next then
    return
  end
  local extra = next and params.boost * params.detection or 0.0
  for _, name in ipairs(targets) do
    local categories = state.district[name].categories
    for _, category in ipairs(state.categories) do
      local cell = categories[category]
      cell.rectify_rate = min(1.0, cell.base_rectify_rate + extra)
    end
  end
end

return mock_inspection
