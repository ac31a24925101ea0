--[[
accountability: three-colour supervision (白黄红三色督办), with naming and
shaming (流动黑牌) and accountability (问责).

The practice: the campaign office reviews every district at fixed
intervals; one that lags gets a red notice, its leaders are called in, and
it is pushed until it catches up.

The resource: reviews, the reviews of each target district over the
campaign. Everything follows from it: when they are held, hence how soon a
lagging district is pushed, and the cost.

The curve: with T the campaign's weeks and n = reviews, review k (k = 1..n)
is held at the end of week round(k x T / n) (n = 6 in 12 weeks: every
second week). At a review, each target district whose open problems per
site exceed threshold gets a red card: until its next review its weekly
rectification rate is the scenario's plus boost (at most 1); a district
under the threshold returns to its own rate. A district that falls behind
waits on average about T / (2 n) weeks for its push, so each further review
shortens the wait less than the one before (T / (2 n) - T / (2 (n + 1)),
diminishing returns). 0 reviews change nothing and cost nothing.

Parameters (each default is the planner's assumption, not a measurement):
  reviews          6     reviews of each target district over the campaign,
                         a whole number within 0 .. the campaign's weeks
  threshold        0.5   open problems per site above which a district is
                         red, >= 0
  boost            0.08  extra weekly rectification of a red district, >= 0
  cost_per_review  1     cost of reviewing one district once, >= 0
DOMAIN gives the practice (white, yellow and red notices, the black
placard) and no figures: the numbers are assumptions. The former `every`
(weeks between reviews) is gone: the schedule follows from the reviews
(every = 2 in 12 weeks is reviews = 6); a scenario giving it is refused as
an unknown parameter.

Cost unit: district reviews: cost_per_review x reviews x the target
districts (with cost_per_review = 1, the reviews held over the campaign).
]]
local accountability = {
  name = "accountability",
  description = "Three-colour supervision (白黄红三色督办): districts with many open "
    .. "problems get a red card and a rectification push at each review; "
    .. "resource reviews, cost in district reviews",
  params = { reviews = 6, threshold = 0.5, boost = 0.08, cost_per_review = 1 },
}

-- A finite number >= 0 (whole when whole), or a clear error.
local function check(params, key, what, whole)
  local x = params[key]
  if x ~= x or x == math.huge or x < 0 or (whole and x ~= math.floor(x)) then
    error(string.format("params.%s = %g: %s must be %s", key, x, what,
      whole and "a whole number >= 0" or "a finite number >= 0"), 2)
  end
end

function accountability.setup(scenario, params, targets)
  check(params, "reviews", "the reviews per district", true)
  check(params, "threshold", "the threshold")
  check(params, "boost", "the push")
  check(params, "cost_per_review", "the cost of a review")
  if params.reviews > scenario.weeks then
    error(string.format("params.reviews = %g: at most one review a week, so at most %d in this campaign",
      params.reviews, scenario.weeks))
  end
  return { cost = params.cost_per_review * params.reviews * #targets }
end

-- Is week T of a campaign of WEEKS weeks a review week, with N reviews?
-- Review k is held in week round(k x WEEKS / N) = (2 k WEEKS + N) // (2 N).
local function review_week(t, n, weeks)
  local k = t * n // weeks
  for j = k - 1, k + 1 do
    if j >= 1 and j <= n and (2 * j * weeks + n) // (2 * n) == t then
      return true
    end
  end
  return false
end

-- The first review week after WEEK, or past the campaign: the hook asks to
-- be called next then, and the weeks between run without it. Review k's
-- week grows with k, and review k = WEEK x N // WEEKS + 1 comes after WEEK
-- or one before it does.
local function next_review(week, n, weeks)
  for k = week * n // weeks, n do
    local t = (2 * k * weeks + n) // (2 * n)
    if k >= 1 and t > week then
      return t
    end
  end
  return weeks + 1
end

function accountability.week(state, params, targets)
  local n = params.reviews
  if n == 0 then
    return state.weeks + 1
  end
  local weeks = state.weeks
  if not review_week(state.week, n, weeks) then
    return next_review(state.week, n, weeks)
  end
  -- numeric loops and a comparison, not ipairs and math.min: each call of
  -- a C function costs about as much as a cell's own work
  local names, districts, threshold, boost = state.categories, state.district, params.threshold,
    params.boost
  local count = #names
  for t = 1, #targets do
    local district = districts[targets[t]]
    local red = district.open / district.sites > threshold
    -- a district's cells change together: one of them tells its colour
    local categories = district.categories
    local first = categories[names[1]]
    local red_now = first.rectify_rate ~= first.base_rectify_rate
    if red ~= red_now then
      for i = 1, count do
        local cell = categories[names[i]]
        local rate = cell.base_rectify_rate
        if red then
          rate = rate + boost
          rate = rate < 1.0 and rate or 1.0
        end
        cell.rectify_rate = rate
      end
    end
  end
  return next_review(state.week, n, weeks)
end

return accountability
