/**
 * Nelder–Mead downhill simplex (Lagarias et al. 1998 coefficients: reflection 1, expansion 2,
 * contraction ½, shrink ½). Written here because npm's fmin, the usual choice, cannot be
 * used: 0.0.4 ships a UMD bundle under "type": "module" (it exports nothing in Node) and its
 * source assigns an undeclared loop variable (a ReferenceError in strict mode), and 0.0.2
 * declares its build tools (rollup, tape, …: 337 packages) as runtime dependencies.
 */

export interface SimplexOptions {
  /** Stop when every vertex is within this of the best, coordinate-wise… */
  tolerance: number;
  /** …and their function values within this fraction of (1 + |best|) (a log-likelihood in the hundred thousands has no digits below ~1e-11). */
  relativeValueTolerance: number;
  maxIterations: number;
  /** Initial step along each coordinate. */
  step: number;
  /** Ends the run at once when it returns true for the best vertex. */
  stopWhen?: (x: number[]) => boolean;
}

export interface SimplexMinimum {
  x: number[];
  fx: number;
  iterations: number;
  /** True when the tolerance was met before maxIterations. */
  converged: boolean;
  /** True when stopWhen ended the run. */
  stopped?: boolean;
}

export function nelderMead(f: (x: number[]) => number, start: number[], options: SimplexOptions): SimplexMinimum {
  const n = start.length;
  const vertex = (x: number[]) => ({ x, fx: f(x) });
  const simplex = [vertex([...start])];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] += options.step;
    simplex.push(vertex(x));
  }
  const along = (from: number[], to: number[], coefficient: number) => from.map((value, i) => value + coefficient * (to[i] - value));
  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    // Stable sort: ties keep their order, so the run is deterministic.
    simplex.sort((left, right) => left.fx - right.fx);
    const best = simplex[0];
    const worst = simplex[n];
    if (options.stopWhen?.(best.x)) return { ...best, iterations: iteration, converged: false, stopped: true };
    const spread = Math.max(...simplex.slice(1).flatMap((point) => point.x.map((value, i) => Math.abs(value - best.x[i]))));
    if (spread <= options.tolerance && Math.abs(worst.fx - best.fx) <= options.relativeValueTolerance * (1 + Math.abs(best.fx))) {
      return { ...best, iterations: iteration, converged: true };
    }
    const centroid = best.x.map((_, i) => simplex.slice(0, n).reduce((sum, point) => sum + point.x[i], 0) / n);
    const reflected = vertex(along(centroid, worst.x, -1));
    if (reflected.fx < best.fx) {
      const expanded = vertex(along(centroid, worst.x, -2));
      simplex[n] = expanded.fx < reflected.fx ? expanded : reflected;
    } else if (reflected.fx < simplex[n - 1].fx) {
      simplex[n] = reflected;
    } else {
      const outside = reflected.fx < worst.fx;
      const contracted = vertex(along(centroid, worst.x, outside ? -0.5 : 0.5));
      if (contracted.fx < (outside ? reflected.fx : worst.fx)) {
        simplex[n] = contracted;
      } else {
        for (let i = 1; i <= n; i++) simplex[i] = vertex(along(best.x, simplex[i].x, 0.5));
      }
    }
  }
  simplex.sort((left, right) => left.fx - right.fx);
  return { ...simplex[0], iterations: options.maxIterations, converged: false };
}
