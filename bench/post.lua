-- wrk script: POST /api/v1/images/generations round-robin over the keys in $KEYS (comma-separated).
local keys = {}
for k in string.gmatch(os.getenv("KEYS") or "", "[^,]+") do keys[#keys + 1] = k end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"prompt":"bench","size":"1024x1024","n":1}'
request = function()
  n = n + 1
  wrk.headers["Authorization"] = "Bearer " .. keys[(n % #keys) + 1]
  return wrk.format()
end
