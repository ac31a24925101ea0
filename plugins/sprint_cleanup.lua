--[[
sprint_cleanup: a campaign-style surge (突击整治, "运动式") before the
expected inspection, instead of steady management (常态长效).

The practice: for a couple of weeks everyone is sent to clean up; then the
push stops, staff are exhausted and the fixes come undone ("一阵风").

The model (a week hook): in the surge weeks start .. start + length - 1 the
target districts' weekly rectification rate is the scenario's plus surge
(at most 1). After the surge it drops to the scenario's rate x (1 - fatigue)
and the rebound of fixes rises by rebound_after (at most 1). With
unannounced inspections in several batches, the batches after the surge see
the rebound: planners can compare this with the same effort spread evenly
(a long surge with a small boost and no fatigue or rebound).

Parameters (each default is the planner's assumption, not a measurement):
  start          8     first surge week (from 2: a hook sets the rates of
                       the weeks after the one it runs in)
  length         2     surge weeks
  surge          0.30  extra weekly rectification during the surge
  fatigue        0.5   fall of the rectification rate after the surge
  rebound_after  0.20  extra rebound of fixes after the surge
  staff_per_district 50  staff sent during the surge (the cost, with targets)
  categories     the categories cleaned (empty: all)

Cost unit: staff: staff_per_district x the target districts, counted once however
long the surge (staff, not staff-weeks: a surge and a steady plan with as
many people cost alike).
]]
local sprint_cleanup = {
  name = "sprint_cleanup",
  description = "Campaign-style surge (突击整治) before the expected inspection, "
    .. "then fatigue and stronger rebound; cost in staff",
  params = {
    start = 8, length = 2, surge = 0.30, fatigue = 0.5, rebound_after = 0.20,
    staff_per_district = 50, categories = {},
  },
}

function sprint_cleanup.setup(scenario, params, targets)
  if params.start < 1 or params.length < 1 or params.surge < 0
      or params.fatigue < 0 or params.fatigue > 1 or params.rebound_after < 0 then
    error("start and length >= 1, surge and rebound_after >= 0, fatigue within [0, 1]")
  end
  for _, category in ipairs(params.categories) do
    if scenario.category[category] == nil then
      error("the scenario has no category '" .. category .. "' (params.categories)")
    end
  end
  return { cost = params.staff_per_district * #targets }
end

-- "before", "surge" or "after" for a week.
local function phase(params, week)
  if week < params.start then
    return "before"
  elseif week < params.start + params.length then
    return "surge"
  end
  return "after"
end

local min = math.min

function sprint_cleanup.week(state, params, targets)
  -- A hook runs after its week, so it sets the rates of the next one; they
  -- change only when the phase does (and once after week 1, whose rates are
  -- the scenario's).
  local week = state.week
  local next_phase = phase(params, week + 1)
  local unchanged = next_phase == phase(params, week)
  -- week 1 ran at the scenario's rates: "before" needs no change then
  if unchanged and (week > 1 or next_phase == "before") then
    return
  end
  local names = #params.categories > 0 and params.categories or state.categories
  local surge, kept, rebound_after = params.surge, 1.0 - params.fatigue, params.rebound_after
  for _, name in ipairs(targets) do
    local categories = state.district[name].categories
    for _, category in ipairs(names) do
      local cell = categories[category]
      local rate, rebound = cell.base_rectify_rate, cell.base_rebound
      if next_phase == "surge" then
        -- the rebound is still the scenario's: the surge follows "before"
        cell.rectify_rate = min(1.0, rate + surge)
      elseif next_phase == "after" then
        cell.rectify_rate = rate * kept
        cell.rebound = min(1.0, rebound + rebound_after)
      else
        cell.rectify_rate = rate
        cell.rebound = rebound
      end
    end
  end
end

return sprint_cleanup
