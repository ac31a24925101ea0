--[[
idle: a test plugin for optimize (tests/test_optimize.c) whose resource
changes nothing: a lever on it must allocate nothing.
Cost unit: clerks.
]]
local idle = {
  name = "idle",
  description = "Test plugin: clerks that change nothing",
  params = { clerks = 0 },
}

function idle.setup(scenario, params, targets)
  return { cost = params.clerks }
end

return idle
