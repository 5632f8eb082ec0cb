#!/bin/sh
# The ensemble gates' novelty u(s) against β_H over time, from recorded sessions (sqlite3 CLI).
# Per 100 steps after warm-up: expert-driven steps, help requests (and those asked though u ≤ β_H,
# i.e. for risk), the robot's decisions (steps it drove or asked on) and u over them, and β_H.
# The steps table's q holds the gate's score, which is u for the ensemble methods.
# Usage: MAX=1000 sh scores.sh RUN.db ...   (MAX: only steps before it; default all)
MAX=${MAX:-1000000000}
for db in "$@"; do
  echo "== $(basename "$db" .db)"
  sqlite3 -header -column "$db" "
    select (step/100)*100 as steps_from,
           sum(mode != 'robot') as expert_steps,
           sum(help_requested) as asks,
           sum(help_requested and q <= threshold) as asks_not_novel,
           sum(mode = 'robot' or help_requested) as robot_decisions,
           printf('%.2e', min(case when mode = 'robot' or help_requested then q end)) as u_min,
           printf('%.2e', avg(case when mode = 'robot' or help_requested then q end)) as u_mean,
           printf('%.2e', max(case when mode = 'robot' or help_requested then q end)) as u_max,
           printf('%.2e', max(threshold)) as beta_H
    from steps where step >= 200 and step < $MAX group by 1 order by 1"
  sqlite3 "$db" "select 'episodes (steps, route completion, out of road): ' || group_concat(steps || ' ' || printf('%.2f', route_completion) || ' ' || out_of_road, '; ') from (select * from episodes where start_step < $MAX)"
done
