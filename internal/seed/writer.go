package seed

import (
	"database/sql"
	"fmt"
	"strings"
)

// writer appends rows with plain multi-row INSERTs, batchRows rows per
// statement, committing a transaction every commitRows rows so the WAL stays
// small and memory flat. It bypasses record hooks on purpose: the generator
// writes history, and Rebuild computes the rollups afterwards.
type writer struct {
	db         *sql.DB
	tx         *sql.Tx
	tables     map[string]*table
	order      []*table
	inTx       int
	commitRows int
	written    int
	onWrite    func(n int)
}

// table buffers the rows of one table.
type table struct {
	name  string
	cols  []string
	batch int
	args  []any
	rows  int
	stmt  *sql.Stmt // the full-batch statement, prepared once per transaction
}

func newWriter(db *sql.DB, onWrite func(int)) *writer {
	return &writer{db: db, tables: map[string]*table{}, commitRows: 50000, onWrite: onWrite}
}

// define names the columns rows of a table come with.
func (w *writer) define(name string, cols ...string) {
	t := &table{name: name, cols: cols, batch: max(1, min(64, 30000/len(cols)))}
	w.tables[name] = t
	w.order = append(w.order, t)
}

// add appends one row (values in the defined column order).
func (w *writer) add(name string, vals ...any) error {
	t := w.tables[name]
	if len(vals) != len(t.cols) {
		return fmt.Errorf("seed: %s: %d values for %d columns", name, len(vals), len(t.cols))
	}
	t.args = append(t.args, vals...)
	t.rows++
	if t.rows < t.batch {
		return nil
	}
	return w.flush(t)
}

func insertSQL(t *table, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(t.cols)), ",") + ")"
	return "INSERT OR ROLLBACK INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// flush writes t's buffered rows, in the open transaction (opened if none).
func (w *writer) flush(t *table) error {
	if t.rows == 0 {
		return nil
	}
	if w.tx == nil {
		tx, err := w.db.Begin()
		if err != nil {
			return err
		}
		w.tx = tx
	}
	var err error
	if t.rows == t.batch {
		if t.stmt == nil {
			if t.stmt, err = w.tx.Prepare(insertSQL(t, t.batch)); err != nil {
				return err
			}
		}
		_, err = t.stmt.Exec(t.args...)
	} else {
		_, err = w.tx.Exec(insertSQL(t, t.rows), t.args...)
	}
	if err != nil {
		return fmt.Errorf("seed: insert into %s: %w", t.name, err)
	}
	n := t.rows
	t.args, t.rows = t.args[:0], 0
	w.inTx += n
	w.written += n
	if w.onWrite != nil {
		w.onWrite(n)
	}
	if w.inTx >= w.commitRows {
		return w.commit()
	}
	return nil
}

// commit writes every buffer and commits the open transaction.
func (w *writer) commit() error {
	if w.tx == nil {
		return nil
	}
	tx := w.tx
	w.tx = nil // flush below reopens nothing: buffers are written first
	for _, t := range w.order {
		if t.stmt != nil {
			t.stmt.Close()
			t.stmt = nil
		}
	}
	w.inTx = 0
	return tx.Commit()
}

// close writes what is buffered and commits.
func (w *writer) close() error {
	for _, t := range w.order {
		if err := w.flushNoCommit(t); err != nil {
			w.rollback()
			return err
		}
	}
	return w.commit()
}

func (w *writer) flushNoCommit(t *table) error {
	saved := w.commitRows
	w.commitRows = int(^uint(0) >> 1)
	defer func() { w.commitRows = saved }()
	return w.flush(t)
}

// rollback abandons the open transaction (after an error).
func (w *writer) rollback() {
	if w.tx != nil {
		w.tx.Rollback()
		w.tx = nil
	}
	for _, t := range w.order {
		t.stmt = nil
		t.args, t.rows = t.args[:0], 0
	}
}
