-- CPU benchmark for Lua 5.4, run by bench/programs/run.sh (see README.md):
--   lua cpu.lua [SCALE]
-- SCALE is a percentage of the default work (100). Five classic kernels, each
-- printing one deterministic result line: the benchmark compares these lines
-- between the native run and the guest runs, so a miscomputing machine fails.
--   fannkuch    permutations and array reversal (integers, table indexing)
--   nbody       double-precision arithmetic on table fields
--   spectral    spectral norm: calls, loops, doubles
--   trees       binary trees: allocation and garbage collection
--   strings     string building, hashing into tables, sorting, string.format
-- The last line is "lua-bench ok", printed only after every kernel ran.

local scale = tonumber(arg and arg[1] or "100") or 100
if scale <= 0 then error("SCALE must be positive") end

local function scaled(n, min)
  local v = math.floor(n * scale / 100 + 0.5)
  if v < (min or 1) then v = min or 1 end
  return v
end

-- fannkuch-redux (n = 8, repeated): checksum and maximum flips ------------
local function fannkuch(n)
  local p, q, s = {}, {}, {}
  local sign, maxflips, sum = 1, 0, 0
  for i = 0, n - 1 do p[i] = i; q[i] = i; s[i] = i end
  while true do
    local q0 = p[0]
    if q0 ~= 0 then
      for i = 1, n - 1 do q[i] = p[i] end
      local flips = 1
      while true do
        local qq = q[q0]
        if qq == 0 then
          sum = sum + sign * flips
          if flips > maxflips then maxflips = flips end
          break
        end
        q[q0] = q0
        if q0 >= 3 then
          local i, j = 1, q0 - 1
          repeat q[i], q[j] = q[j], q[i]; i = i + 1; j = j - 1 until i >= j
        end
        q0 = qq
        flips = flips + 1
      end
    end
    if sign == 1 then
      p[1], p[0] = p[0], p[1]
      sign = -1
    else
      p[1], p[2] = p[2], p[1]
      sign = 1
      for i = 2, n - 1 do
        local sx = s[i]
        if sx ~= 0 then s[i] = sx - 1; break end
        if i == n - 1 then return sum, maxflips end
        s[i] = i
        local t = p[0]
        for j = 0, i do p[j] = p[j + 1] end
        p[i + 1] = t
      end
    end
  end
end

-- n-body: the Jovian planets ---------------------------------------------
local PI = math.pi
local SOLAR_MASS = 4 * PI * PI
local DAYS_PER_YEAR = 365.24

local function bodies_init()
  local b = {
    { x = 0, y = 0, z = 0, vx = 0, vy = 0, vz = 0, mass = SOLAR_MASS },
    { x = 4.84143144246472090e+00, y = -1.16032004402742839e+00, z = -1.03622044471123109e-01,
      vx = 1.66007664274403694e-03 * DAYS_PER_YEAR, vy = 7.69901118419740425e-03 * DAYS_PER_YEAR,
      vz = -6.90460016972063023e-05 * DAYS_PER_YEAR, mass = 9.54791938424326609e-04 * SOLAR_MASS },
    { x = 8.34336671824457987e+00, y = 4.12479856412430479e+00, z = -4.03523417114321381e-01,
      vx = -2.76742510726862411e-03 * DAYS_PER_YEAR, vy = 4.99852801234917238e-03 * DAYS_PER_YEAR,
      vz = 2.30417297573763929e-05 * DAYS_PER_YEAR, mass = 2.85885980666130812e-04 * SOLAR_MASS },
    { x = 1.28943695621391310e+01, y = -1.51111514016986312e+01, z = -2.23307578892655734e-01,
      vx = 2.96460137564761618e-03 * DAYS_PER_YEAR, vy = 2.37847173959480950e-03 * DAYS_PER_YEAR,
      vz = -2.96589568540237556e-05 * DAYS_PER_YEAR, mass = 4.36624404335156298e-05 * SOLAR_MASS },
    { x = 1.53796971148509165e+01, y = -2.59193146099879641e+01, z = 1.79258772950371181e-01,
      vx = 2.68067772490389322e-03 * DAYS_PER_YEAR, vy = 1.62824170038242295e-03 * DAYS_PER_YEAR,
      vz = -9.51592254519715870e-05 * DAYS_PER_YEAR, mass = 5.15138902046611451e-05 * SOLAR_MASS },
  }
  local px, py, pz = 0, 0, 0
  for i = 1, #b do
    local bi = b[i]
    px = px + bi.vx * bi.mass; py = py + bi.vy * bi.mass; pz = pz + bi.vz * bi.mass
  end
  b[1].vx = -px / SOLAR_MASS; b[1].vy = -py / SOLAR_MASS; b[1].vz = -pz / SOLAR_MASS
  return b
end

local function advance(b, nb, dt)
  for i = 1, nb do
    local bi = b[i]
    local bix, biy, biz, bimass = bi.x, bi.y, bi.z, bi.mass
    local bivx, bivy, bivz = bi.vx, bi.vy, bi.vz
    for j = i + 1, nb do
      local bj = b[j]
      local dx, dy, dz = bix - bj.x, biy - bj.y, biz - bj.z
      local d2 = dx * dx + dy * dy + dz * dz
      local mag = math.sqrt(d2)
      mag = dt / (mag * d2)
      local bm = bj.mass * mag
      bivx = bivx - (dx * bm); bivy = bivy - (dy * bm); bivz = bivz - (dz * bm)
      bm = bimass * mag
      bj.vx = bj.vx + (dx * bm); bj.vy = bj.vy + (dy * bm); bj.vz = bj.vz + (dz * bm)
    end
    bi.vx, bi.vy, bi.vz = bivx, bivy, bivz
    bi.x = bix + dt * bivx; bi.y = biy + dt * bivy; bi.z = biz + dt * bivz
  end
end

local function energy(b, nb)
  local e = 0
  for i = 1, nb do
    local bi = b[i]
    local vx, vy, vz, bim = bi.vx, bi.vy, bi.vz, bi.mass
    e = e + (0.5 * bim * (vx * vx + vy * vy + vz * vz))
    for j = i + 1, nb do
      local bj = b[j]
      local dx, dy, dz = bi.x - bj.x, bi.y - bj.y, bi.z - bj.z
      e = e - ((bim * bj.mass) / math.sqrt(dx * dx + dy * dy + dz * dz))
    end
  end
  return e
end

-- spectral norm ------------------------------------------------------------
local function A(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end
local function Av(x, y, N)
  for i = 1, N do
    local a = 0
    for j = 1, N do a = a + x[j] * A(i, j) end
    y[i] = a
  end
end
local function Atv(x, y, N)
  for i = 1, N do
    local a = 0
    for j = 1, N do a = a + x[j] * A(j, i) end
    y[i] = a
  end
end
local function AtAv(x, y, t, N) Av(x, t, N); Atv(t, y, N) end
local function spectral(N)
  local u, v, t = {}, {}, {}
  for i = 1, N do u[i] = 1 end
  for _ = 1, 10 do AtAv(u, v, t, N); AtAv(v, u, t, N) end
  local vBv, vv = 0, 0
  for i = 1, N do
    local ui, vi = u[i], v[i]
    vBv = vBv + ui * vi; vv = vv + vi * vi
  end
  return math.sqrt(vBv / vv)
end

-- binary trees -------------------------------------------------------------
local function bottom_up(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { bottom_up(depth), bottom_up(depth) }
end
local function item_check(tree)
  if tree[1] then return 1 + item_check(tree[1]) + item_check(tree[2]) end
  return 1
end
local function trees(maxdepth)
  local mindepth = 4
  if maxdepth < mindepth + 2 then maxdepth = mindepth + 2 end
  local total = item_check(bottom_up(maxdepth + 1))
  local long_lived = bottom_up(maxdepth)
  for depth = mindepth, maxdepth, 2 do
    local iters = 1 << (maxdepth - depth + mindepth)
    local check = 0
    for _ = 1, iters do check = check + item_check(bottom_up(depth)) end
    total = total + check
  end
  return total + item_check(long_lived)
end

-- strings: a deterministic text, word counts, sort, format -----------------
local function strings(nwords)
  local syll = { "ka", "lo", "mi", "re", "zu", "tan", "bor", "ix", "el", "qua", "ne", "st" }
  local seed = 42
  local function rnd(n)  -- LCG, exact in 64-bit integers
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  end
  local parts = {}
  for i = 1, nwords do
    local w = {}
    for k = 1, 1 + rnd(3) do w[k] = syll[1 + rnd(#syll)] end
    parts[i] = table.concat(w)
  end
  local text = table.concat(parts, " ")
  local counts, uniq = {}, {}
  for w in text:gmatch("%a+") do
    local c = counts[w]
    if c then counts[w] = c + 1 else counts[w] = 1; uniq[#uniq + 1] = w end
  end
  table.sort(uniq, function(a, b)
    local ca, cb = counts[a], counts[b]
    if ca ~= cb then return ca > cb end
    return a < b
  end)
  local h = 0
  local out = {}
  for i, w in ipairs(uniq) do
    local line = string.format("%5d %-12s %08x", counts[w], w:upper(), #w * 2654435761 % 4294967296)
    out[#out + 1] = line
    for k = 1, #line, 7 do h = (h * 31 + line:byte(k)) % 4294967296 end
    if i % 97 == 0 then out = {} end
  end
  return #text, #uniq, uniq[1], h
end

-- run ----------------------------------------------------------------------
local fk_reps = scaled(8)
local fk_sum, fk_max = 0, 0
for _ = 1, fk_reps do
  local s, m = fannkuch(8)
  fk_sum = fk_sum + s
  if m > fk_max then fk_max = m end
end
print(string.format("fannkuch n=8 reps=%d checksum=%d maxflips=%d", fk_reps, fk_sum, fk_max))

local steps = scaled(60000, 10)
local b = bodies_init()
local e0 = energy(b, #b)
for _ = 1, steps do advance(b, #b, 0.01) end
print(string.format("nbody steps=%d energy=%.9f -> %.9f", steps, e0, energy(b, #b)))

local sn = math.max(10, math.floor(250 * math.sqrt(scale / 100) + 0.5))  -- O(n^2)
print(string.format("spectral n=%d norm=%.9f", sn, spectral(sn)))

local depth = 10 + math.floor(math.log(scale / 100, 2) + 0.5)
if depth < 6 then depth = 6 end
print(string.format("trees depth=%d nodes=%d", depth, trees(depth)))

local nw = scaled(100000, 100)
local len, nu, top, h = strings(nw)
print(string.format("strings words=%d chars=%d unique=%d top=%s hash=%08x", nw, len, nu, top, h))

print("lua-bench ok")
