// Drag and drop, upload progress, and each file's state as the worker reads it.
(function () {
  const form = document.getElementById("upload-form");
  const input = document.getElementById("files");
  const drop = document.getElementById("drop");
  const bar = document.getElementById("progress");
  const tbody = document.querySelector("#jobs tbody");
  const labels = {queued: "Đang chờ", running: "Đang đọc", done: "Xong", failed: "Lỗi"};
  let pending = new Set();
  ["dragenter", "dragover"].forEach(e => drop.addEventListener(e, ev => { ev.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach(e => drop.addEventListener(e, ev => { ev.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", ev => send(ev.dataTransfer.files));
  form.addEventListener("submit", ev => { ev.preventDefault(); send(input.files); });

  function row(job) {
    let tr = tbody.querySelector(`tr[data-job="${job.id}"]`);
    if (!tr) { tr = document.createElement("tr"); tr.dataset.job = job.id; tr.innerHTML = "<td></td><td class='st'></td><td></td>"; tbody.prepend(tr); }
    tr.children[0].textContent = job.filename;
    tr.children[1].textContent = (labels[job.status] || job.status) +
      (job.status === "running" && job.pages_total ? ` (${job.pages_done || 0}/${job.pages_total} trang)` : "");
    tr.children[1].className = "st " + job.status;
    tr.children[2].textContent = "";
    if (job.url) { const a = document.createElement("a"); a.href = job.url; a.textContent = job.message || "Soát xét"; tr.children[2].append(a); }
    else tr.children[2].textContent = job.message || "";
  }
  function send(files) {
    if (!files || !files.length) return;
    const data = new FormData();
    data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
    for (const f of files) data.append("files", f);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false; bar.value = 0;
    xhr.upload.onprogress = e => { if (e.lengthComputable) bar.value = 100 * e.loaded / e.total; };
    xhr.onload = () => {
      bar.value = 100;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {error: xhr.status === 413 ? "Tệp quá lớn." : "Gửi không thành công."}; }
      (body.refused || []).forEach(r => row({id: "r" + Math.random(), filename: r.filename, status: "failed", message: r.error}));
      if (body.error) row({id: "e" + Math.random(), filename: "", status: "failed", message: body.error});
      (body.jobs || []).forEach(id => pending.add(id));
      poll();
    };
    xhr.send(data);
  }
  function poll() {
    if (!pending.size) return;
    fetch(`/upload/jobs?ids=${[...pending].join(",")}`).then(r => r.json()).then(body => {
      body.jobs.forEach(j => { row(j); if (j.status === "done" || j.status === "failed") pending.delete(j.id); });
      if (pending.size) setTimeout(poll, 1000);
    });
  }
})();
