// The dashboard's charts, drawn with the vendored Chart.js from the data the page carries.
(function () {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  new Chart(document.getElementById("weeks"), {
    type: "bar",
    data: {labels: data.weeks.map(w => w.label), datasets: [{label: "Số nhiệm vụ đến hạn", data: data.weeks.map(w => w.count), backgroundColor: "#1b5e9e"}]},
    options: {animation: false, maintainAspectRatio: false, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
  });
  new Chart(document.getElementById("overdue"), {
    type: "bar",
    data: {labels: data.overdue_by_agency.map(x => x[0]), datasets: [{label: "Quá hạn chưa hoàn thành", data: data.overdue_by_agency.map(x => x[1]), backgroundColor: "#b3261e"}]},
    options: {animation: false, maintainAspectRatio: false, indexAxis: "y", scales: {x: {beginAtZero: true, ticks: {precision: 0}}}}
  });
})();
