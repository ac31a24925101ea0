--[[
crew: a test plugin for optimize (tests/test_optimize.c). Staff raise the
weekly rectification rate of their district with diminishing returns:
rate + gain x (1 - exp(-staff / scale)). Staff must lie in [0, limit]: a
larger number is refused, as a plugin's range would.
Cost unit: staff.
]]
local crew = {
  name = "crew",
  description = "Test plugin: staff raise the rectification rate (diminishing returns)",
  params = { staff = 0, gain = 0.3, scale = 4, limit = 1000 },
}

function crew.setup(scenario, params, targets)
  if params.staff < 0 or params.staff > params.limit then
    error("staff must lie in [0, " .. params.limit .. "]")
  end
  for _, name in ipairs(targets) do
    for _, cell in pairs(scenario.district[name].categories) do
      local r = cell.rectify_rate + params.gain * (1 - math.exp(-params.staff / params.scale))
      cell.rectify_rate = math.min(r, 1)
    end
  end
  return { cost = params.staff }
end

return crew
