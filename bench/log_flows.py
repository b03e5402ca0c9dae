"""GF and polar WN in wnflow's coordinates, for the benchmark peers (bench/scipy_peer.py).

The same ODE wnflow integrates (docs/numerics.md): z = log w for GF; (z, log phi) for polar
WN with constant rates eta_r = 1, eta_s = q / r(0)^2. Written from the equations of
docs/theory.md §1 and §4.1, not from the C++ code; bench/ does not import tests/.

    dz/dt = -a L u + b L c 1,   u = w^{L-2} * G,  c = <w^L, G>,  G = B^T A^T (A B w^L - y)
    GF: a = eta, b = 0        WN: a = eta_s r^2, b = eta_s - eta_r / r^2
    WN: d log phi/dt = (1 - a / eta_r) <w^2, dz/dt> / r^2
"""
import numpy as np


class LogFlow:
    def __init__(self, A, y, sign="positive", flow="gf", depth=2, alpha=0.1, ratio=1.0, eta=1.0):
        self.A = np.asarray(A, dtype=float)
        self.y = np.asarray(y, dtype=float)
        self.M, self.N = self.A.shape
        self.signed = sign == "signed"
        self.n = 2 * self.N if self.signed else self.N
        self.L = int(depth)
        self.alpha = float(alpha)
        self.wn = flow == "wn"
        self.eta = float(eta)
        self.r0 = self.alpha * np.sqrt(self.n)
        self.eta_r = 1.0
        self.eta_s = float(ratio) * self.eta_r / self.r0 ** 2
        self.dim = self.n + (1 if self.wn else 0)
        self._K = None
        self.a_fro = np.linalg.norm(self.A)
        self.y_norm = np.linalg.norm(self.y)

    # -- maps
    def combine(self, p):
        return p[:self.N] - p[self.N:] if self.signed else p

    def lift(self, g):
        return np.concatenate([g, -g]) if self.signed else g

    def initial_state(self):
        s = np.full(self.dim, np.log(self.alpha))
        if self.wn:
            s[-1] = 0.0
        return s

    def speeds(self, r2):
        if not self.wn:
            return self.eta, 0.0, 0.0, 0.0
        es, er = self.eta_s, self.eta_r
        return es * r2, es - er / r2, es, er / (r2 * r2)

    def _eval(self, z):
        L = self.L
        w = np.exp(z)
        p = np.exp(L * z)
        e = self.A @ self.combine(p) - self.y
        G = self.lift(self.A.T @ e)
        u = G if L == 2 else np.exp((L - 2) * z) * G
        return w, p, G, u, float(w @ w), float(p @ G)

    def rhs(self, t, s):
        z = s[:self.n]
        w, p, G, u, r2, c = self._eval(z)
        a, b, _, _ = self.speeds(r2)
        dz = -a * self.L * u
        if b != 0.0:
            dz = dz + b * self.L * c
        if not self.wn:
            return dz
        dlogr = (w * w) @ dz / r2
        return np.concatenate([dz, [(1.0 - a / self.eta_r) * dlogr]])

    def K(self):
        if self._K is None:
            AtA = self.A.T @ self.A
            self._K = np.block([[AtA, -AtA], [-AtA, AtA]]) if self.signed else AtA
        return self._K

    def jac(self, t, s):
        L, n = self.L, self.n
        z = s[:n]
        w, p, G, u, r2, c = self._eval(z)
        a, b, da, db = self.speeds(r2)
        K = self.K()
        wl2 = np.ones(n) if L == 2 else w ** (L - 2)
        w2 = w * w
        Jz = -(a * L * L) * (wl2[:, None] * K * p[None, :])
        Jz[np.diag_indices(n)] -= a * L * (L - 2) * u
        if da != 0.0:
            Jz -= (2.0 * da * L) * np.outer(u, w2)
        if b != 0.0 or db != 0.0:
            dc = L * p * (G + K @ p)
            Jz += ((b * L) * dc + (2.0 * db * L * c) * w2)[None, :]
        if not self.wn:
            return Jz
        dz = -a * L * u + (b * L * c if b != 0.0 else 0.0)
        D = w2 @ dz / r2
        h = 1.0 - a / self.eta_r
        dD = (2.0 * w2 * dz + Jz.T @ w2 - 2.0 * D * w2) / r2
        J = np.zeros((n + 1, n + 1))
        J[:n, :n] = Jz
        J[n, :n] = h * dD - (2.0 * da / self.eta_r * D) * w2
        return J

    # -- read-outs
    def x_of(self, s):
        return self.combine(np.exp(self.L * s[:self.n]))

    def loss(self, s):
        e = self.A @ self.x_of(s) - self.y
        return 0.5 * float(e @ e)

    def loss_floor(self, s):
        p = np.exp(self.L * s[:self.n])
        mag = np.linalg.norm(p[:self.N] + p[self.N:]) if self.signed else np.linalg.norm(p)
        e = 10.0 * np.finfo(float).eps * (self.a_fro * mag + self.y_norm)
        return 0.5 * e * e
