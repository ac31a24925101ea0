--[[
accountability: three-colour supervision (白黄红三色督办), with naming and
shaming (流动黑牌) and accountability (问责).

The practice: the campaign office reviews every district at fixed
intervals; one that lags gets a red notice, its leaders are called in, and
it is pushed until it catches up.

The model (a week hook): every `every` weeks, each target district whose
open problems per site exceed threshold gets a red card: until the next
review its weekly rectification rate is the scenario's plus boost (at most
1). A district under the threshold returns to its own rate.

Parameters (each default is the planner's assumption, not a measurement):
  every          2     weeks between two reviews
  threshold      0.5   open problems per site above which a district is red
  boost          0.08  extra weekly rectification of a red district
  cost_per_review 1    cost of reviewing one district once

Cost unit: reviews: cost_per_review x the reviews held over the campaign x the
target districts (with cost_per_review = 1, the number of district reviews).
]]
local accountability = {
  name = "accountability",
  description = "Three-colour supervision (白黄红三色督办): districts with many open "
    .. "problems get a red card and a rectification push; cost per review",
  params = { every = 2, threshold = 0.5, boost = 0.08, cost_per_review = 1 },
}

function accountability.setup(scenario, params, targets)
  if params.every < 1 or params.threshold < 0 or params.boost < 0 then
    error("every >= 1, threshold >= 0 and boost >= 0, please")
  end
  local reviews = scenario.weeks // params.every
  return { cost = params.cost_per_review * reviews * #targets }
end

function accountability.week(state, params, targets)
  if state.week % params.every ~= 0 then
    return
  end
  local names = state.categories
  for _, name in ipairs(targets) do
    local district = state.district[name]
    local red = district.open / district.sites > params.threshold
    -- a district's cells change together: one of them tells its colour
    local categories = district.categories
    local first = categories[names[1]]
    local red_now = first.rectify_rate ~= first.base_rectify_rate
    if red ~= red_now then
      for _, category in ipairs(names) do
        local cell = categories[category]
        local rate = cell.base_rectify_rate
        if red then
          rate = math.min(1.0, rate + params.boost)
        end
        cell.rectify_rate = rate
      end
    end
  end
end

return accountability
