/**
 * Dormand–Prince 5(4) coefficients exactly as in SciPy's `RK45` (scipy/integrate/_ivp/rk.py),
 * written as the same rational literals so every constant rounds to the identical float64.
 * Indices are 1-based to match the usual Butcher notation.
 */
export const C2 = 1 / 5;
export const C3 = 3 / 10;
export const C4 = 4 / 5;
export const C5 = 8 / 9;

export const A21 = 1 / 5;
export const A31 = 3 / 40;
export const A32 = 9 / 40;
export const A41 = 44 / 45;
export const A42 = -56 / 15;
export const A43 = 32 / 9;
export const A51 = 19372 / 6561;
export const A52 = -25360 / 2187;
export const A53 = 64448 / 6561;
export const A54 = -212 / 729;
export const A61 = 9017 / 3168;
export const A62 = -355 / 33;
export const A63 = 46732 / 5247;
export const A64 = 49 / 176;
export const A65 = -5103 / 18656;

/** Fifth-order weights; B2 = 0 and the 7th (FSAL) stage has weight 0. */
export const B1 = 35 / 384;
export const B3 = 500 / 1113;
export const B4 = 125 / 192;
export const B5 = -2187 / 6784;
export const B6 = 11 / 84;

/** Error weights (fifth minus embedded fourth order), including the FSAL stage; E2 = 0. */
export const E1 = -71 / 57600;
export const E3 = 71 / 16695;
export const E4 = -71 / 1920;
export const E5 = 17253 / 339200;
export const E6 = -22 / 525;
export const E7 = 1 / 40;

/**
 * SciPy's RK45 `P` matrix (Shampine's 4th-order continuous extension), rows = stages 1..7,
 * columns = coefficients of x, x^2, x^3, x^4. Row 2 is all zeros and is therefore omitted.
 */
type Row4 = readonly [number, number, number, number];

export const P1: Row4 = [
  1,
  -8048581381 / 2820520608,
  8663915743 / 2820520608,
  -12715105075 / 11282082432,
];
export const P3: Row4 = [
  0,
  131558114200 / 32700410799,
  -68118460800 / 10900136933,
  87487479700 / 32700410799,
];
export const P4: Row4 = [
  0,
  -1754552775 / 470086768,
  14199869525 / 1410260304,
  -10690763975 / 1880347072,
];
export const P5: Row4 = [
  0,
  127303824393 / 49829197408,
  -318862633887 / 49829197408,
  701980252875 / 199316789632,
];
export const P6: Row4 = [
  0,
  -282668133 / 205662961,
  2019193451 / 616988883,
  -1453857185 / 822651844,
];
export const P7: Row4 = [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423];
