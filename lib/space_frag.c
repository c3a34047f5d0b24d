// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --frag and --fit: per window, every state's bytes, the free extents
 * (count, largest, power-of-two histogram), lazy pages against
 * lazy_max_pages(), per-node figures, the largest request that fits now,
 * and the free-tree cross-check.  JSON contract: issue 7.
 */
#include <string.h>

#include "json.h"
#include "space.h"

static void print_state_lines(const struct vx_window *w, FILE *out)
{
	char h[32];

	for (int st = 0; st < VX_NR_STATES; st++)
		fprintf(out, "  %-12s %20lu  %s\n", vx_state_name(st),
			(unsigned long)w->bytes[st],
			vx_human_bytes(w->bytes[st], h, sizeof(h)));
	fprintf(out, "  %-12s %20lu  %s\n", "unaccounted",
		(unsigned long)w->unaccounted,
		vx_human_bytes(w->unaccounted, h, sizeof(h)));
}

static void print_histogram(const struct vx_window *w, FILE *out)
{
	char lo[32], hi[32];

	fprintf(out, "  free extents by size:\n");
	for (int i = 0; i < VX_HIST_BUCKETS; i++) {
		if (!w->hist[i])
			continue;
		vx_human_bytes(1ULL << i, lo, sizeof(lo));
		if (i < 63)
			vx_human_bytes(1ULL << (i + 1), hi, sizeof(hi));
		else
			strcpy(hi, "16 EiB");
		fprintf(out, "    [%9s, %9s)  %lu\n", lo, hi,
			(unsigned long)w->hist[i]);
	}
}

static void print_findings(const struct vx_space *s, const struct vx_window *w,
			   FILE *out)
{
	for (size_t i = 0; i < w->ranges.n; i++) {
		const struct vx_range *r = &w->ranges.v[i];

		if (r->state == VX_NR_STATES)
			fprintf(out, "  unaccounted 0x%016lx-0x%016lx %lu bytes: %s\n",
				(unsigned long)r->start, (unsigned long)r->end,
				(unsigned long)(r->end - r->start),
				vx_space_unaccounted_reason(s));
	}
	for (size_t i = 0; i < w->nr_overlaps; i++) {
		const struct vx_overlap *o = &w->overlaps[i];

		fprintf(out, "  CORRUPTION: 0x%016lx-0x%016lx claimed by %s (vmap_area 0x%lx) and %s (vmap_area 0x%lx)\n",
			(unsigned long)o->start, (unsigned long)o->end,
			vx_state_name(o->state_a), (unsigned long)o->va_a,
			vx_state_name(o->state_b), (unsigned long)o->va_b);
	}
}

/* 6.9+: what each node's pool would hand out before any search. */
static void print_pools(const struct vx_space *s, const struct vx_fit *f,
			FILE *out)
{
	uint64_t at;

	if (!f->pool_nodes)
		return;
	fprintf(out, "    pools first (node_alloc(), the node of the allocating CPU):");
	for (uint32_t n = 0; n < s->cfg.nr_nodes; n++) {
		if (vx_space_pool_pick(s, n, f->size, f->align, &at))
			fprintf(out, " node %u: 0x%016lx;", n, (unsigned long)at);
		else
			fprintf(out, " node %u: none, tree;", n);
	}
	fputc('\n', out);
}

static void print_search(const struct vx_space *s, enum vx_window_id id,
			 const struct vx_fit *f, FILE *out)
{
	fprintf(out, "    search: find_vmap_lowest_match(), %s%s, vstart 0x%016lx, vend 0x%016lx, subtrees pruned below %lu bytes, %s\n",
		vx_search_rule_name(s->cfg.search_rule),
		s->cfg.rule_confirmed ? "" : " [UNCONFIRMED: rule assumed]",
		(unsigned long)f->vstart, (unsigned long)f->vend,
		(unsigned long)f->length,
		f->shape_rebuilt ? "tree shape rebuilt from the free list (the dump's tree was not read whole)" :
				   "over the dump's own free tree");
	if (id == VX_WIN_MODULES && !s->cfg.prefix_known)
		fprintf(out, "    note: the modules KASLR offset is unknown: vstart taken as MODULES_VADDR\n");
	else if (id == VX_WIN_MODULES && s->cfg.prefix_pending)
		fprintf(out, "    note: module_load_offset is still 0: with KASLR the first module_alloc() picks 1-1024 pages, so vstart may be higher\n");
	if (s->tree.max_disagree && !f->shape_rebuilt)
		fprintf(out, "    note: %lu nodes' stored subtree_max_size differ from their subtrees; the kernel, and this replay, use the stored ones\n",
			(unsigned long)s->tree.max_disagree);
}

static void print_fit(const struct vx_space *s, enum vx_window_id id,
		      const struct vx_options *o, FILE *out)
{
	struct vx_fit f;

	vx_space_fit(s, id, o->fit_size, false, o->fit_align, &f);
	fprintf(out, "  --fit %lu", (unsigned long)o->fit_size);
	if (o->fit_align)
		fprintf(out, "@%lu", (unsigned long)o->fit_align);
	fprintf(out, " (%lu bytes with the guard page, align %lu): ",
		(unsigned long)f.size, (unsigned long)f.align);
	if (f.tree_fits)
		fprintf(out, "fits at 0x%016lx (tree: free extent 0x%016lx-0x%016lx)\n",
			(unsigned long)f.tree_start,
			(unsigned long)f.extent_start, (unsigned long)f.extent_end);
	else if (f.after_purge)
		fprintf(out, "fits at 0x%016lx only after the purge and retry (%s; %lu lazy/pooled bytes merged back, tree shape after it rebuilt)\n",
			(unsigned long)f.purge_start, vx_fit_miss_name(f.miss),
			(unsigned long)f.purge_bytes);
	else if (f.verdict == VX_FIT_OK)
		fprintf(out, "fits only from a pool (%s, then the tree: %s)\n",
			f.from_pool ? "every node's" : "some nodes'",
			vx_fit_miss_name(f.miss));
	else
		fprintf(out, "does not fit: %s: %s%s (largest usable free extent %lu, free total %lu)\n",
			vx_fit_verdict_name(f.verdict), vx_fit_miss_name(f.miss),
			f.purge_bytes ? ", nor after the purge and retry" : "",
			(unsigned long)f.largest_free, (unsigned long)f.total_free);
	print_pools(s, &f, out);
	print_search(s, id, &f, out);
}

static void print_window(const struct vx_space *s, enum vx_window_id id,
			 const struct vx_options *o, FILE *out)
{
	const struct vx_window *w = &s->win[id];
	char h[32];

	fprintf(out, "%s window 0x%016lx-0x%016lx (%s)\n", w->name,
		(unsigned long)w->start, (unsigned long)(w->end - 1),
		vx_human_bytes(w->end - w->start, h, sizeof(h)));
	print_state_lines(w, out);
	if (w->overlap_bytes)
		fprintf(out, "  claimed twice %19lu  (corruption, listed below)\n",
			(unsigned long)w->overlap_bytes);
	fprintf(out, "  busy areas %lu; guard pages inside them %lu bytes (not gaps)\n",
		(unsigned long)w->busy_areas, (unsigned long)w->guard_bytes);
	if (w->percpu_chunks)
		fprintf(out, "  per-cpu chunks at the top: %lu, %lu bytes\n",
			(unsigned long)w->percpu_chunks,
			(unsigned long)w->percpu_bytes);
	if (id == VX_WIN_MODULES)
		fprintf(out, "  unused KASLR prefix: %lu bytes (free, never allocated; not used for fits)%s\n",
			(unsigned long)w->prefix,
			s->cfg.prefix_known ? "" : " [offset unknown]");
	fprintf(out, "  free extents %lu, largest %lu (%s)\n",
		(unsigned long)w->free_extents, (unsigned long)w->largest_free,
		vx_human_bytes(w->largest_free, h, sizeof(h)));
	print_histogram(w, out);
	fprintf(out, "  largest request that fits now: %lu bytes (%s, guard page added by the kernel)\n",
		(unsigned long)vx_space_largest_request(s, id),
		id == VX_WIN_MODULES ? "module_alloc/execmem" : "vmalloc");
	for (uint32_t n = 0; w->nodes && n < s->cfg.nr_nodes; n++)
		fprintf(out, "  vmap node %u: busy %lu, lazy %lu, pooled %lu\n", n,
			(unsigned long)w->nodes[n].busy,
			(unsigned long)w->nodes[n].lazy,
			(unsigned long)w->nodes[n].pooled);
	if (o->fit)
		print_fit(s, id, o, out);
	print_findings(s, w, out);
}

static uint64_t largest_listed_free(const struct vx_space *s)
{
	const struct vx_area_list *l = &s->m->lists[VX_FREE];
	uint64_t best = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].end > l->v[i].start && l->v[i].end - l->v[i].start > best)
			best = l->v[i].end - l->v[i].start;
	return best;
}

static void print_global(const struct vx_space *s, FILE *out)
{
	uint64_t listed = largest_listed_free(s);

	fprintf(out, "lazy: %lu pages awaiting purge", (unsigned long)s->lazy_pages);
	if (s->cfg.lazy_max_pages)
		fprintf(out, " of lazy_max_pages() %lu (%u online CPUs); a purge starts above it\n",
			(unsigned long)s->cfg.lazy_max_pages, s->cfg.online_cpus);
	else
		fprintf(out, " (lazy_max_pages() unknown)\n");
	if (s->tree.walked)
		fprintf(out, "free tree: %lu extents, largest %lu: %s\n",
			(unsigned long)s->tree.nodes, (unsigned long)s->tree.largest,
			s->tree.matches_list ? "the same extents as free_vmap_area_list" :
					       s->tree.mismatch);
	if (s->free_root_read)
		fprintf(out, "free tree root subtree_max_size %lu, largest listed free extent %lu: %s\n",
			(unsigned long)s->free_root_max, (unsigned long)listed,
			s->free_root_max == listed ? "agree" : "DISAGREE");
}

static void json_histogram(struct vx_json *j, const struct vx_window *w)
{
	vx_json_array_field(j, "histogram");
	for (int i = 0; i < VX_HIST_BUCKETS; i++) {
		if (!w->hist[i])
			continue;
		vx_json_start_object(j);
		vx_json_uint_field(j, "min_bytes", 1ULL << i);
		vx_json_uint_field(j, "count", w->hist[i]);
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
}

static void json_findings(struct vx_json *j, const struct vx_space *s,
			  const struct vx_window *w)
{
	vx_json_array_field(j, "unaccounted_ranges");
	for (size_t i = 0; i < w->ranges.n; i++) {
		const struct vx_range *r = &w->ranges.v[i];

		if (r->state != VX_NR_STATES)
			continue;
		vx_json_start_object(j);
		vx_json_addr_field(j, "start", r->start);
		vx_json_addr_field(j, "end", r->end - 1);
		vx_json_uint_field(j, "bytes", r->end - r->start);
		vx_json_string_field(j, "reason", vx_space_unaccounted_reason(s));
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
	vx_json_array_field(j, "overlaps");
	for (size_t i = 0; i < w->nr_overlaps; i++) {
		const struct vx_overlap *o = &w->overlaps[i];

		vx_json_start_object(j);
		vx_json_addr_field(j, "start", o->start);
		vx_json_addr_field(j, "end", o->end - 1);
		vx_json_string_field(j, "first", vx_state_name(o->state_a));
		vx_json_addr_field(j, "first_va", o->va_a);
		vx_json_string_field(j, "second", vx_state_name(o->state_b));
		vx_json_addr_field(j, "second_va", o->va_b);
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
}

static void json_nodes(struct vx_json *j, const struct vx_space *s,
		       const struct vx_window *w)
{
	if (!w->nodes)
		return;
	vx_json_array_field(j, "nodes");
	for (uint32_t n = 0; n < s->cfg.nr_nodes; n++) {
		vx_json_start_object(j);
		vx_json_uint_field(j, "node", n);
		vx_json_uint_field(j, "busy_bytes", w->nodes[n].busy);
		vx_json_uint_field(j, "lazy_bytes", w->nodes[n].lazy);
		vx_json_uint_field(j, "pooled_bytes", w->nodes[n].pooled);
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
}

static void json_pools(struct vx_json *j, const struct vx_space *s,
		       const struct vx_fit *f)
{
	uint64_t at;

	vx_json_array_field(j, "pools");
	for (uint32_t n = 0; f->pool_nodes && n < s->cfg.nr_nodes; n++) {
		if (!vx_space_pool_pick(s, n, f->size, f->align, &at))
			continue;
		vx_json_start_object(j);
		vx_json_uint_field(j, "node", n);
		vx_json_addr_field(j, "at", at);
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
}

static void json_fit(struct vx_json *j, const struct vx_space *s,
		     enum vx_window_id id, const struct vx_options *o)
{
	struct vx_fit f;

	vx_space_fit(s, id, o->fit_size, false, o->fit_align, &f);
	vx_json_object_field(j, "fit");
	vx_json_uint_field(j, "request", o->fit_size);
	vx_json_uint_field(j, "size_with_guard", f.size);
	vx_json_uint_field(j, "align", f.align);
	vx_json_bool_field(j, "fits", f.verdict == VX_FIT_OK);
	vx_json_string_field(j, "verdict", vx_fit_verdict_name(f.verdict));
	if (f.verdict == VX_FIT_OK)
		vx_json_addr_field(j, "at", f.start);
	vx_json_bool_field(j, "from_pool", f.from_pool);
	vx_json_bool_field(j, "tree_fits", f.tree_fits);
	if (f.tree_fits) {
		vx_json_addr_field(j, "tree_at", f.tree_start);
		vx_json_addr_field(j, "extent_start", f.extent_start);
		vx_json_addr_field(j, "extent_end", f.extent_end);
	} else {
		vx_json_string_field(j, "why", vx_fit_miss_name(f.miss));
	}
	vx_json_bool_field(j, "after_purge", f.after_purge);
	if (f.after_purge)
		vx_json_addr_field(j, "after_purge_at", f.purge_start);
	vx_json_uint_field(j, "purge_bytes", f.purge_bytes);
	json_pools(j, s, &f);
	vx_json_string_field(j, "rule", vx_search_rule_name(s->cfg.search_rule));
	vx_json_bool_field(j, "rule_confirmed", s->cfg.rule_confirmed);
	vx_json_addr_field(j, "vstart", f.vstart);
	vx_json_addr_field(j, "vend", f.vend);
	vx_json_uint_field(j, "search_length", f.length);
	vx_json_bool_field(j, "tree_shape_rebuilt", f.shape_rebuilt);
	if (id == VX_WIN_MODULES)
		vx_json_bool_field(j, "vstart_known",
				   s->cfg.prefix_known && !s->cfg.prefix_pending);
	vx_json_uint_field(j, "largest_usable_free", f.largest_free);
	vx_json_uint_field(j, "usable_free", f.total_free);
	vx_json_end_object(j);
}

static void json_window(struct vx_json *j, const struct vx_space *s,
			enum vx_window_id id, const struct vx_options *o)
{
	const struct vx_window *w = &s->win[id];

	vx_json_start_object(j);
	vx_json_string_field(j, "name", w->name);
	vx_json_addr_field(j, "start", w->start);
	vx_json_addr_field(j, "end", w->end - 1);
	vx_json_uint_field(j, "busy_bytes", w->bytes[VX_BUSY]);
	vx_json_uint_field(j, "lazy_bytes", w->bytes[VX_LAZY]);
	vx_json_uint_field(j, "pooled_bytes", w->bytes[VX_POOLED]);
	vx_json_uint_field(j, "purging_bytes", w->bytes[VX_PURGING]);
	vx_json_uint_field(j, "free_bytes", w->bytes[VX_FREE]);
	vx_json_uint_field(j, "unaccounted_bytes", w->unaccounted);
	vx_json_uint_field(j, "free_extents", w->free_extents);
	vx_json_uint_field(j, "largest_free", w->largest_free);
	vx_json_uint_field(j, "overlap_bytes", w->overlap_bytes);
	vx_json_uint_field(j, "busy_areas", w->busy_areas);
	vx_json_uint_field(j, "guard_bytes", w->guard_bytes);
	vx_json_uint_field(j, "percpu_chunks", w->percpu_chunks);
	vx_json_uint_field(j, "percpu_bytes", w->percpu_bytes);
	if (id == VX_WIN_MODULES) {
		vx_json_uint_field(j, "kaslr_prefix_bytes", w->prefix);
		vx_json_bool_field(j, "kaslr_prefix_known", s->cfg.prefix_known);
	}
	vx_json_addr_field(j, "fit_start", w->fit_start);
	vx_json_uint_field(j, "largest_request", vx_space_largest_request(s, id));
	json_histogram(j, w);
	json_nodes(j, s, w);
	if (o->fit)
		json_fit(j, s, id, o);
	json_findings(j, s, w);
	vx_json_end_object(j);
}

static struct vx_error *frag_json(const struct vx_space *s,
				  const struct vx_options *o, FILE *out)
{
	struct vx_json *j = vx_json_create(out, o->pretty);

	if (!j)
		return &vx_error_nomem;
	vx_json_start_object(j);
	vx_json_array_field(j, "windows");
	for (int i = 0; i < VX_NR_WINDOWS; i++)
		json_window(j, s, i, o);
	vx_json_end_array(j);
	vx_json_uint_field(j, "lazy_pages", s->lazy_pages);
	vx_json_uint_field(j, "lazy_max_pages", s->cfg.lazy_max_pages);
	vx_json_uint_field(j, "online_cpus", s->cfg.online_cpus);
	vx_json_object_field(j, "free_tree");
	vx_json_bool_field(j, "walked", s->tree.walked);
	vx_json_uint_field(j, "extents", s->tree.nodes);
	vx_json_uint_field(j, "list_extents", s->m->lists[VX_FREE].n);
	vx_json_uint_field(j, "largest", s->tree.largest);
	vx_json_bool_field(j, "matches_list", s->tree.walked && s->tree.matches_list);
	if (!s->tree.matches_list)
		vx_json_string_field(j, "mismatch", s->tree.mismatch);
	if (s->free_root_read)
		vx_json_uint_field(j, "root_subtree_max_size", s->free_root_max);
	vx_json_uint_field(j, "largest_listed", largest_listed_free(s));
	vx_json_end_object(j);
	vx_json_end_object(j);
	return vx_json_destroy(j);
}

struct vx_error *vx_frag_print(const struct vx_space *s,
			       const struct vx_options *o, FILE *out)
{
	if (o->json)
		return frag_json(s, o, out);
	for (int i = 0; i < VX_NR_WINDOWS; i++) {
		print_window(s, i, o, out);
		fputc('\n', out);
	}
	print_global(s, out);
	return NULL;
}
